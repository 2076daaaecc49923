import rule from '../../rules/too-many-rules.js';
import { all, group, icmp, proto, tcp, udp } from '../helpers/builders.js';
import { ruleTester } from '../helpers/rule-tester.js';

/** `n` distinct IPv4 host sources (198.51.100.0/32, 198.51.101.0/32 …, never two alike). */
const v4 = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `198.51.${100 + Math.floor((i + offset) / 256)}.${(i + offset) % 256}/32`);
const v6 = (n: number) => Array.from({ length: n }, (_, i) => `2600:1f00::${(i + 1).toString(16)}/128`);
const pls = (n: number) => Array.from({ length: n }, (_, i) => `pl-${i.toString(16).padStart(17, '0')}`);
const sgs = (n: number) => Array.from({ length: n }, (_, i) => `sg-${(i + 0x100).toString(16).padStart(17, '0')}`);
/** `n` permission entries with one source each. */
const entries = (n: number) => v4(n).map((cidr, i) => tcp(1000 + i, cidr));

const one = (spec: Parameters<typeof group>[0]) => ({ groups: [group({ id: 'sg-target', ...spec })] });

ruleTester(rule, {
  valid: [
    { name: 'no rules', data: one({}) },
    { name: 'exactly 50 inbound rules (one entry, 50 sources)', data: one({ ingress: [tcp(8443, ...v4(50))] }) },
    { name: 'exactly 50 inbound rules (50 entries, one source each)', data: one({ ingress: entries(50) }) },
    { name: 'exactly 50 outbound rules', data: one({ egress: [tcp(443, ...v4(50))] }) },
    { name: '50 inbound and 50 outbound: the limit is per direction', data: one({ ingress: [tcp(8443, ...v4(50))], egress: [tcp(443, ...v4(50))] }) },
    { name: '25 entries of two sources each are 50 rules', data: one({ ingress: v4(25).map((cidr, i) => tcp(2000 + i, cidr, '10.0.0.0/8')) }) },
    { name: 'maxRules 100: 51 inbound rules pass', data: one({ ingress: [tcp(8443, ...v4(51))] }), options: { maxRules: 100 } },
    { name: 'the quota counts families apart: 30 IPv4 + 30 IPv6 pass', data: one({ ingress: [tcp(443, ...v4(30), ...v6(30))] }) },
    { name: 'maxRules 5: exactly 5 rules pass', data: one({ ingress: [tcp(22, ...v4(5))] }), options: { maxRules: 5 } },
    {
      name: 'two groups of 50 rules each',
      data: { groups: [group({ ingress: [tcp(8443, ...v4(50))] }), group({ ingress: [tcp(8443, ...v4(50, 50))] })] },
    },
  ],
  invalid: [
    {
      name: '51 inbound rules (tcp 8443 from 51 partner /32s, one entry)',
      data: one({ ingress: [tcp(8443, ...v4(51))] }),
      findings: [{ messageId: 'tooMany', key: 'inbound-ipv4', groupId: 'sg-target', data: { counts: '51 inbound IPv4 rules', max: 'more than 50' } }],
    },
    {
      name: '51 inbound rules as 51 entries',
      data: one({ ingress: entries(51) }),
      findings: [{ messageId: 'tooMany', data: { counts: '51 inbound IPv4' } }],
    },
    {
      name: 'the demo account case: 55 inbound, 0 outbound',
      data: one({ ingress: [tcp(8443, ...v4(55))] }),
      findings: [{ messageId: 'tooMany', data: { counts: '55 inbound IPv4' } }],
    },
    {
      name: '51 outbound rules',
      data: one({ ingress: [tcp(22, '10.0.0.0/8')], egress: [tcp(443, ...v4(51))] }),
      findings: [{ messageId: 'tooMany', data: { counts: '51 outbound IPv4' } }],
    },
    {
      name: 'group references and unresolved prefix lists count for both families: 40 IPv4 + 6 lists + 5 groups',
      data: one({ ingress: [tcp(443, ...v4(40), ...v6(1), ...pls(6), ...sgs(5))] }),
      findings: [{ messageId: 'tooMany', data: { counts: '51 inbound IPv4' } }],
    },
    {
      name: 'IPv6 counted on its own: 40 IPv6 + 11 group references',
      data: one({ ingress: [tcp(443, ...v6(40), ...sgs(11))] }),
      findings: [{ messageId: 'tooMany', data: { counts: '51 inbound IPv6' } }],
    },
    {
      name: 'every protocol counts: all, udp, ICMP and protocol 50 rules',
      data: one({ ingress: [tcp(22, ...v4(47)), all('10.0.0.0/8'), udp(53, '10.0.0.0/8'), icmp(-1, -1, '10.0.0.0/8'), proto('50', undefined, '10.0.0.0/8')] }),
      findings: [{ messageId: 'tooMany', data: { counts: '51 inbound IPv4' } }],
    },
    {
      name: 'maxRules 5: 6 rules are too many',
      data: one({ ingress: [tcp(22, ...v4(6))] }),
      options: { maxRules: 5 },
      findings: [{ messageId: 'tooMany', data: { counts: '6 inbound IPv4', max: 'more than 5' } }],
    },
    {
      name: 'only the group over the limit is flagged',
      data: { groups: [group({ id: 'sg-a', ingress: [tcp(8443, ...v4(50))] }), group({ id: 'sg-b', ingress: [tcp(8443, ...v4(51))] })] },
      findings: [{ messageId: 'tooMany', groupId: 'sg-b' }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [
    { name: 'maxRules must be an integer', options: { maxRules: '50' }, error: /\/maxRules must be integer/ },
    { name: 'maxRules 2.5 is not an integer', options: { maxRules: 2.5 }, error: /\/maxRules must be integer/ },
    { name: 'maxRules must be at least 1', options: { maxRules: 0 }, error: /\/maxRules must be >= 1/ },
    { name: 'maxRules at most 1000', options: { maxRules: 1001 }, error: /\/maxRules must be <= 1000/ },
    { name: 'unknown option', options: { max: 10 }, error: /must NOT have additional properties \(max\)/ },
  ],
});
