import rule from '../../rules/unused-sg.js';
import { all, eni, group, icmp, tcp } from '../helpers/builders.js';
import { ruleTester } from '../helpers/rule-tester.js';

// A group in use (attached to an instance), to hold references to the group under test.
const web = (spec: Parameters<typeof group>[0] = {}) => group({ id: 'sg-web', name: 'web', ...spec });
const webEni = () => eni({ groups: ['sg-web'], instanceId: 'i-web' });

ruleTester(rule, {
  valid: [
    { name: 'no groups', data: { groups: [], interfaces: [] } },
    { name: 'attached to an instance interface', data: { groups: [group({ id: 'sg-target' })], interfaces: [eni({ groups: ['sg-target'], instanceId: 'i-1' })] } },
    {
      name: 'attached only to an AWS-managed Lambda interface',
      data: { groups: [group({ id: 'sg-target' })], interfaces: [eni({ groups: ['sg-target'], type: 'lambda', requesterManaged: true })] },
    },
    {
      name: 'attached only to a VPC endpoint interface',
      data: { groups: [group({ id: 'sg-target' })], interfaces: [eni({ groups: ['sg-target'], type: 'vpc_endpoint', requesterManaged: true })] },
    },
    {
      name: 'attached as the second group of an interface',
      data: { groups: [web(), group({ id: 'sg-target' })], interfaces: [eni({ groups: ['sg-web', 'sg-target'], instanceId: 'i-1' })] },
    },
    {
      name: "referenced by another group's ingress rule",
      data: { groups: [web({ ingress: [tcp(5432, 'sg-target')] }), group({ id: 'sg-target' })], interfaces: [webEni()] },
    },
    {
      name: "referenced by another group's egress rule",
      data: { groups: [web({ egress: [tcp(443, 'sg-target')] }), group({ id: 'sg-target' })], interfaces: [webEni()] },
    },
    {
      name: 'referenced by an all-traffic (-1) rule of another group',
      data: { groups: [web({ ingress: [all('sg-target')] }), group({ id: 'sg-target' })], interfaces: [webEni()] },
    },
    {
      name: 'referenced by an ICMP -1 rule of another group',
      data: { groups: [web({ ingress: [icmp(-1, -1, 'sg-target')] }), group({ id: 'sg-target' })], interfaces: [webEni()] },
    },
    {
      name: 'two unattached groups that reference each other are each referenced by another group',
      data: { groups: [group({ id: 'sg-a', ingress: [tcp(22, 'sg-b')] }), group({ id: 'sg-b', egress: [tcp(22, 'sg-a')] })], interfaces: [] },
    },
    {
      name: 'the default group, unattached, is not applicable',
      data: { groups: [group({ id: 'sg-default1', name: 'default', ingress: [all('sg-default1')], egress: [all('0.0.0.0/0')] })], interfaces: [] },
    },
    {
      name: 'default groups of two VPCs, unattached',
      data: { groups: [group({ id: 'sg-default1', name: 'default' }), group({ id: 'sg-default2', name: 'default', vpcId: 'vpc-2' })], interfaces: [] },
    },
  ],
  invalid: [
    {
      name: 'unattached and unreferenced',
      data: { groups: [group({ id: 'sg-target' })], interfaces: [] },
      findings: [{ messageId: 'unused', key: 'unused', groupId: 'sg-target' }],
    },
    {
      name: 'only self-referenced is still unused',
      data: { groups: [group({ id: 'sg-target', ingress: [all('sg-target')], egress: [tcp(443, 'sg-target')] })], interfaces: [] },
      findings: [{ messageId: 'unused', groupId: 'sg-target' }],
    },
    {
      name: 'interfaces that list other groups do not make it used',
      data: { groups: [web(), group({ id: 'sg-target' })], interfaces: [webEni()] },
      findings: [{ messageId: 'unused', groupId: 'sg-target' }],
    },
    {
      name: 'a group that references others but is not referenced is unused',
      data: { groups: [web(), group({ id: 'sg-target', ingress: [tcp(22, 'sg-web')] })], interfaces: [webEni()] },
      findings: [{ messageId: 'unused', groupId: 'sg-target' }],
    },
    {
      name: 'rules from anywhere (IPv4, IPv6), a prefix list or all traffic do not make it used',
      data: {
        groups: [group({ id: 'sg-target', ingress: [tcp(22, '0.0.0.0/0', '::/0', 'pl-0123456789abcdef0'), all('10.0.0.0/8')], egress: [all('0.0.0.0/0')] })],
        interfaces: [],
      },
      findings: [{ messageId: 'unused', groupId: 'sg-target' }],
    },
    {
      name: 'each unused group is its own finding, beside the default group',
      data: {
        groups: [group({ id: 'sg-default1', name: 'default' }), group({ id: 'sg-a' }), group({ id: 'sg-b', vpcId: 'vpc-2' })],
        interfaces: [],
      },
      findings: [
        { messageId: 'unused', groupId: 'sg-a' },
        { messageId: 'unused', groupId: 'sg-b' },
      ],
    },
  ],
  errors: [
    {
      name: 'network interfaces failed to collect',
      data: { groups: [group({ id: 'sg-target' })], failed: { networkInterfaces: 'UnauthorizedOperation' } },
      error: /DescribeNetworkInterfaces could not be collected/,
    },
    {
      name: 'security groups failed to collect',
      data: { interfaces: [], failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  skipped: [
    { name: 'offline data without network interfaces', data: { groups: [group({ id: 'sg-target' })] }, skipped: true },
    {
      name: 'interfaces saved for one region only: the other region is skipped, not flagged',
      data: [
        { groups: [group({ id: 'sg-east' })], interfaces: [eni({ groups: ['sg-east'], instanceId: 'i-1' })] },
        { region: 'eu-west-1', groups: [group({ id: 'sg-west' })] },
      ],
      skipped: true,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { ignore: ['sg-target'] }, error: /must NOT have additional properties \(ignore\)/ }],
});
