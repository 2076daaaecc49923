import rule from '../../rules/default-sg-has-rules.js';
import { all, eni, group, icmp, proto, tcp, udp } from '../helpers/builders.js';
import { ruleTester } from '../helpers/rule-tester.js';

const defaults = (spec: Parameters<typeof group>[0] = {}) => ({
  groups: [group({ id: 'sg-default1', name: 'default', description: 'default VPC security group', ...spec })],
});

ruleTester(rule, {
  valid: [
    { name: 'the default group with no rules', data: defaults() },
    {
      name: 'the default group with no rules, in use by an instance (left to default-sg-in-use)',
      data: { ...defaults(), interfaces: [eni({ groups: ['sg-default1'], instanceId: 'i-1' })] },
    },
    {
      name: 'a non-default group with the same rules is not applicable',
      data: { groups: [group({ id: 'sg-web', name: 'web', ingress: [all('sg-web'), tcp(22, '0.0.0.0/0')], egress: [all('0.0.0.0/0', '::/0')] })] },
    },
    {
      name: 'a group whose name only contains "default" is not the default group',
      data: { groups: [group({ name: 'default-web', ingress: [tcp(443, '0.0.0.0/0')], egress: [all('0.0.0.0/0')] })] },
    },
    {
      name: 'emptied default groups in two VPCs',
      data: { groups: [group({ id: 'sg-default1', name: 'default' }), group({ id: 'sg-default2', name: 'default', vpcId: 'vpc-2' })] },
    },
  ],
  invalid: [
    {
      name: 'the AWS defaults: self-reference in, all traffic out',
      data: defaults({ ingress: [all('sg-default1')], egress: [all('0.0.0.0/0')] }),
      findings: [{ messageId: 'hasRules', key: 'has-rules', groupId: 'sg-default1', data: { vpcId: 'vpc-1', inbound: '1 inbound', outbound: '1 outbound' } }],
    },
    {
      name: 'the AWS defaults of an IPv6 VPC: egress to 0.0.0.0/0 and ::/0 are two rules',
      data: defaults({ ingress: [all('sg-default1')], egress: [all('0.0.0.0/0', '::/0')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '1 inbound', outbound: '2 outbound' } }],
    },
    {
      name: 'only egress',
      data: defaults({ egress: [all('0.0.0.0/0')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '0 inbound', outbound: '1 outbound' } }],
    },
    {
      name: 'only a self-referencing ingress rule',
      data: defaults({ ingress: [all('sg-default1')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '1 inbound', outbound: '0 outbound' } }],
    },
    {
      name: 'tcp 22 from IPv4 and IPv6 and a prefix list count as three rules',
      data: defaults({ ingress: [tcp(22, '0.0.0.0/0', '::/0', 'pl-0123456789abcdef0')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '3 inbound' } }],
    },
    {
      name: 'a narrow private rule still counts',
      data: defaults({ ingress: [udp(53, '10.0.0.0/8')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '1 inbound' } }],
    },
    {
      name: 'ICMP -1 from a group reference still counts',
      data: defaults({ ingress: [icmp(-1, -1, 'sg-0123456789abcdef0')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '1 inbound' } }],
    },
    {
      name: 'protocol 50 (ESP), which opens no port, still counts',
      data: defaults({ ingress: [proto('50', undefined, '52.94.76.10/32')] }),
      findings: [{ messageId: 'hasRules', data: { inbound: '1 inbound' } }],
    },
    {
      name: 'two VPCs: only the default group with rules is flagged, with its own VPC',
      data: {
        groups: [
          group({ id: 'sg-default1', name: 'default' }),
          group({ id: 'sg-default2', name: 'default', vpcId: 'vpc-2', egress: [all('0.0.0.0/0')] }),
        ],
      },
      findings: [{ messageId: 'hasRules', groupId: 'sg-default2', data: { vpcId: 'vpc-2' } }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { allowEgress: true }, error: /must NOT have additional properties \(allowEgress\)/ }],
});
