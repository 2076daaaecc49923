import type { Reservation } from '@aws-sdk/client-ec2';
import rule from '../../rules/sg-shared-by-all-instances.js';
import { group, instance, type InstanceSpec } from '../helpers/builders.js';
import { ruleTester } from '../helpers/rule-tester.js';

const groups = [group({ id: 'sg-x', name: 'x' }), group({ id: 'sg-y', name: 'y' }), group({ id: 'sg-z', name: 'z', vpcId: 'vpc-2' })];

/** `n` instances built from one spec. */
const times = (n: number, spec: InstanceSpec): Reservation[] => Array.from({ length: n }, () => instance(spec));

/** An instance whose only listing of `groups` is on its secondary network interface. */
function withInterfaceGroups(spec: InstanceSpec, interfaceGroups: string[]): Reservation {
  const reservation = instance(spec);
  const [inst] = reservation.Instances ?? [];
  return {
    ...reservation,
    Instances: [{ ...inst, NetworkInterfaces: [{ NetworkInterfaceId: 'eni-secondary', Groups: interfaceGroups.map((GroupId) => ({ GroupId })) }] }],
  };
}

ruleTester(rule, {
  valid: [
    { name: 'no instances', data: { groups, instances: [] } },
    { name: 'two instances both with the group (fewer than minInstances 3)', data: { groups, instances: times(2, { groups: ['sg-x'] }) } },
    {
      name: 'three of four instances with the group',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), instance({ groups: ['sg-y'] })] },
    },
    {
      name: 'terminated and shutting-down instances do not count toward minInstances',
      data: {
        groups,
        instances: [...times(2, { groups: ['sg-x'] }), instance({ groups: ['sg-x'], state: 'terminated' }), instance({ groups: ['sg-x'], state: 'shutting-down' })],
      },
    },
    {
      name: 'a stopped instance without the group counts against the share',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), instance({ groups: ['sg-y'], state: 'stopped' })] },
    },
    {
      name: 'three instances with the group spread over three VPCs',
      data: {
        groups,
        instances: [instance({ groups: ['sg-x'], vpcId: 'vpc-1' }), instance({ groups: ['sg-x'], vpcId: 'vpc-2' }), instance({ groups: ['sg-x'], vpcId: 'vpc-3' })],
      },
    },
    {
      name: 'every instance has some group, but no group is on all of them',
      data: { groups, instances: [instance({ groups: ['sg-x'] }), instance({ groups: ['sg-y'] }), instance({ groups: ['sg-x'] }), instance({ groups: ['sg-y'] })] },
    },
    {
      name: 'option minInstances 4 with three instances',
      data: { groups, instances: times(3, { groups: ['sg-x'] }) },
      options: { minInstances: 4 },
    },
    {
      name: 'option minShare 0.8 with three of four instances',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), instance({ groups: ['sg-y'] })] },
      options: { minShare: 0.8 },
    },
  ],
  invalid: [
    {
      name: 'three instances in a VPC all with the group',
      data: { groups, instances: times(3, { groups: ['sg-x'] }) },
      findings: [{ messageId: 'shared', key: 'vpc/vpc-1', groupId: 'sg-x', data: { attached: 'Attached to 3 of 3', vpcId: 'vpc-1' } }],
    },
    {
      name: 'two groups on every instance are two findings',
      data: { groups, instances: times(3, { groups: ['sg-x', 'sg-y'] }) },
      findings: [
        { messageId: 'shared', groupId: 'sg-x' },
        { messageId: 'shared', groupId: 'sg-y' },
      ],
    },
    {
      name: 'a terminated instance without the group does not dilute',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), instance({ groups: ['sg-y'], state: 'terminated' })] },
      findings: [{ messageId: 'shared', groupId: 'sg-x', data: { attached: 'Attached to 3 of 3' } }],
    },
    {
      name: 'stopped instances count',
      data: { groups, instances: [...times(2, { groups: ['sg-x'] }), instance({ groups: ['sg-x'], state: 'stopped' })] },
      findings: [{ messageId: 'shared', data: { attached: 'Attached to 3 of 3' } }],
    },
    {
      name: 'a pending instance counts',
      data: { groups, instances: [...times(2, { groups: ['sg-x'] }), instance({ groups: ['sg-x'], state: 'pending' })] },
      findings: [{ messageId: 'shared', data: { attached: 'Attached to 3 of 3' } }],
    },
    {
      name: 'instances in another VPC do not dilute',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), ...times(5, { groups: ['sg-z'], vpcId: 'vpc-2' })] },
      findings: [
        { messageId: 'shared', groupId: 'sg-x', key: 'vpc/vpc-1', data: { attached: 'Attached to 3 of 3', vpcId: 'vpc-1' } },
        { messageId: 'shared', groupId: 'sg-z', key: 'vpc/vpc-2', data: { attached: 'Attached to 5 of 5', vpcId: 'vpc-2' } },
      ],
    },
    {
      name: 'two VPCs are handled separately: flagged only where the group is on every instance',
      data: {
        groups,
        instances: [...times(3, { groups: ['sg-x'], vpcId: 'vpc-1' }), ...times(2, { groups: ['sg-x'], vpcId: 'vpc-2' }), instance({ groups: ['sg-y'], vpcId: 'vpc-2' })],
      },
      findings: [{ messageId: 'shared', groupId: 'sg-x', key: 'vpc/vpc-1' }],
    },
    {
      name: 'one group on every instance of two VPCs is one finding per VPC',
      data: { groups, instances: [...times(3, { groups: ['sg-x'], vpcId: 'vpc-1' }), ...times(4, { groups: ['sg-x'], vpcId: 'vpc-2' })] },
      findings: [
        { messageId: 'shared', groupId: 'sg-x', key: 'vpc/vpc-1', data: { attached: 'Attached to 3 of 3' } },
        { messageId: 'shared', groupId: 'sg-x', key: 'vpc/vpc-2', data: { attached: 'Attached to 4 of 4' } },
      ],
    },
    {
      name: 'a group listed only on a secondary network interface counts',
      data: { groups, instances: [...times(2, { groups: ['sg-x'] }), withInterfaceGroups({ groups: ['sg-y'] }, ['sg-x'])] },
      findings: [{ messageId: 'shared', groupId: 'sg-x', data: { attached: 'Attached to 3 of 3' } }],
    },
    {
      name: 'the default group on every instance is flagged too',
      data: { groups: [group({ id: 'sg-default1', name: 'default' })], instances: times(3, { groups: ['sg-default1'] }) },
      findings: [{ messageId: 'shared', groupId: 'sg-default1' }],
    },
    {
      name: 'option minShare 0.75 flags three of four instances',
      data: { groups, instances: [...times(3, { groups: ['sg-x'] }), instance({ groups: ['sg-y'] })] },
      options: { minShare: 0.75 },
      findings: [{ messageId: 'shared', groupId: 'sg-x', data: { attached: 'Attached to 3 of 4' } }],
    },
    {
      name: 'option minInstances 2 flags two instances',
      data: { groups, instances: times(2, { groups: ['sg-x'] }) },
      options: { minInstances: 2 },
      findings: [{ messageId: 'shared', data: { attached: 'Attached to 2 of 2' } }],
    },
  ],
  errors: [
    {
      name: 'instances failed to collect',
      data: { groups, failed: { instances: 'UnauthorizedOperation' } },
      error: /DescribeInstances could not be collected/,
    },
    {
      name: 'security groups failed to collect',
      data: { instances: times(3, { groups: ['sg-x'] }), failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  skipped: [
    { name: 'offline data without instances', data: { groups }, skipped: true },
    {
      name: 'instances saved for one region only: the other region is skipped',
      data: [
        { groups, instances: times(2, { groups: ['sg-x'] }) },
        { region: 'eu-west-1', groups: [group({ id: 'sg-west' })] },
      ],
      skipped: true,
    },
  ],
  invalidOptions: [
    { name: 'minInstances must be an integer', options: { minInstances: 2.5 }, error: /minInstances must be integer/ },
    { name: 'minInstances must be at least 2', options: { minInstances: 1 }, error: /minInstances must be >= 2/ },
    { name: 'minShare must be a number', options: { minShare: '1' }, error: /minShare must be number/ },
    { name: 'minShare must be above 0', options: { minShare: 0 }, error: /minShare must be > 0/ },
    { name: 'minShare must be at most 1', options: { minShare: 1.5 }, error: /minShare must be <= 1/ },
    { name: 'unknown option', options: { minCount: 3 }, error: /must NOT have additional properties \(minCount\)/ },
  ],
});
