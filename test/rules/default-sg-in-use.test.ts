import rule from '../../rules/default-sg-in-use.js';
import { all, eni, group } from '../helpers/builders.js';
import { ruleTester } from '../helpers/rule-tester.js';

// The AWS-created default group of vpc-1: members reach each other, everything goes out.
const defaultGroup = (id = 'sg-default1', vpcId = 'vpc-1') =>
  group({ id, name: 'default', vpcId, description: 'default VPC security group', ingress: [all(id)], egress: [all('0.0.0.0/0')] });

ruleTester(rule, {
  valid: [
    { name: 'the default group with no network interface', data: { groups: [defaultGroup()], interfaces: [] } },
    {
      name: 'interfaces that list only other groups',
      data: { groups: [defaultGroup(), group({ id: 'sg-web' })], interfaces: [eni({ groups: ['sg-web'], instanceId: 'i-1' })] },
    },
    {
      name: 'a non-default group with interfaces is not applicable',
      data: {
        groups: [group({ id: 'sg-web', name: 'web', ingress: [all('sg-web')] })],
        interfaces: [eni({ groups: ['sg-web'], instanceId: 'i-1' }), eni({ groups: ['sg-web'], type: 'lambda', requesterManaged: true })],
      },
    },
    {
      name: 'a group whose name only starts with "default" is not the default group',
      data: { groups: [group({ id: 'sg-defaultish', name: 'default-web' })], interfaces: [eni({ groups: ['sg-defaultish'], instanceId: 'i-1' })] },
    },
    {
      name: 'default groups of two VPCs, neither in use',
      data: { groups: [defaultGroup('sg-default1', 'vpc-1'), defaultGroup('sg-default2', 'vpc-2')], interfaces: [] },
    },
  ],
  invalid: [
    {
      name: 'the default group attached to an instance interface',
      data: { groups: [defaultGroup()], interfaces: [eni({ groups: ['sg-default1'], instanceId: 'i-1' })] },
      findings: [{ messageId: 'inUse', key: 'in-use', groupId: 'sg-default1', data: { vpcId: 'vpc-1', interfaces: 1, instances: 1 } }],
    },
    {
      name: 'the default group attached only to an AWS-managed Lambda interface',
      data: {
        groups: [defaultGroup()],
        interfaces: [eni({ groups: ['sg-default1'], type: 'lambda', requesterManaged: true })],
      },
      findings: [{ messageId: 'inUse', data: { interfaces: '1 network interface(s), 0 instance(s)' } }],
    },
    {
      name: 'the default group attached to a load balancer interface (no instance)',
      data: { groups: [defaultGroup()], interfaces: [eni({ groups: ['sg-default1'], type: 'network_load_balancer', requesterManaged: true })] },
      findings: [{ messageId: 'inUse', data: { instances: '0 instance(s)' } }],
    },
    {
      name: 'the default group as one of several groups on an interface',
      data: { groups: [defaultGroup(), group({ id: 'sg-web' })], interfaces: [eni({ groups: ['sg-web', 'sg-default1'], instanceId: 'i-1' })] },
      findings: [{ messageId: 'inUse', groupId: 'sg-default1' }],
    },
    {
      name: 'two interfaces of one instance and a Lambda interface: one finding counting both',
      data: {
        groups: [defaultGroup()],
        interfaces: [
          eni({ groups: ['sg-default1'], instanceId: 'i-1', publicIp: '54.0.0.1' }),
          eni({ groups: ['sg-default1'], instanceId: 'i-1' }),
          eni({ groups: ['sg-default1'], type: 'lambda', requesterManaged: true }),
        ],
      },
      findings: [{ messageId: 'inUse', data: { interfaces: '3 network interface(s), 1 instance(s)' } }],
    },
    {
      name: 'a default group without any rule is still flagged when in use',
      data: { groups: [group({ id: 'sg-empty-default', name: 'default' })], interfaces: [eni({ groups: ['sg-empty-default'], instanceId: 'i-1' })] },
      findings: [{ messageId: 'inUse', groupId: 'sg-empty-default' }],
    },
    {
      name: 'two VPCs: only the default group in use is flagged, with its own VPC',
      data: {
        groups: [defaultGroup('sg-default1', 'vpc-1'), defaultGroup('sg-default2', 'vpc-2')],
        interfaces: [{ ...eni({ groups: ['sg-default2'], instanceId: 'i-2' }), VpcId: 'vpc-2' }],
      },
      findings: [{ messageId: 'inUse', groupId: 'sg-default2', data: { vpcId: 'vpc-2' } }],
    },
  ],
  errors: [
    {
      name: 'network interfaces failed to collect',
      data: { groups: [defaultGroup()], failed: { networkInterfaces: 'UnauthorizedOperation' } },
      error: /DescribeNetworkInterfaces could not be collected/,
    },
    {
      name: 'security groups failed to collect',
      data: { interfaces: [eni({ groups: ['sg-default1'], instanceId: 'i-1' })], failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  skipped: [
    { name: 'offline data without network interfaces', data: { groups: [defaultGroup()] }, skipped: true },
    {
      name: 'interfaces saved for one region only: the other region is skipped, not passed',
      data: [
        { groups: [defaultGroup()], interfaces: [] },
        { region: 'eu-west-1', groups: [defaultGroup('sg-default-west')] },
      ],
      skipped: true,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { vpcs: ['vpc-1'] }, error: /must NOT have additional properties \(vpcs\)/ }],
});
