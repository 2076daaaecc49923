import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule from '../../rules/rule-missing-description.js';
import { ACCOUNT, all, group, icmp, proto, tcp, udp } from '../helpers/builders.js';
import { runCase, ruleTester } from '../helpers/rule-tester.js';

/** Gives every source of the permission this description. */
function described(perm: IpPermission, description = 'office VPN, ticket OPS-1'): IpPermission {
  return {
    ...perm,
    ...(perm.IpRanges ? { IpRanges: perm.IpRanges.map((r) => ({ ...r, Description: description })) } : {}),
    ...(perm.Ipv6Ranges ? { Ipv6Ranges: perm.Ipv6Ranges.map((r) => ({ ...r, Description: description })) } : {}),
    ...(perm.PrefixListIds ? { PrefixListIds: perm.PrefixListIds.map((r) => ({ ...r, Description: description })) } : {}),
    ...(perm.UserIdGroupPairs ? { UserIdGroupPairs: perm.UserIdGroupPairs.map((r) => ({ ...r, Description: description })) } : {}),
  };
}

const PL = 'pl-0123456789abcdef0';
const one = (spec: Parameters<typeof group>[0]) => ({ groups: [group({ id: 'sg-target', ...spec })] });

ruleTester(rule, {
  valid: [
    { name: 'no rules', data: one({}) },
    {
      name: 'every inbound source described: IPv4, IPv6, prefix list, group, self',
      data: one({ ingress: [described(tcp(443, '0.0.0.0/0', '::/0', PL, 'sg-alb')), described(all('sg-target')), described(icmp(-1, -1, '10.0.0.0/8'))] }),
    },
    { name: 'egress without descriptions is not checked', data: one({ egress: [all('0.0.0.0/0', '::/0'), tcp(443, PL, 'sg-db')] }) },
    { name: 'described ingress beside undescribed egress', data: one({ ingress: [described(tcp(22, '10.0.0.0/8'))], egress: [all('0.0.0.0/0')] }) },
    { name: 'a default group with no rules', data: { groups: [group({ id: 'sg-default1', name: 'default' })] } },
  ],
  invalid: [
    {
      name: 'an IPv4 source without a description',
      data: one({ ingress: [tcp(22, '0.0.0.0/0')] }),
      findings: [{ messageId: 'missing', key: 'missing-description', groupId: 'sg-target', data: { count: '1 inbound source(s)', rules: 'tcp 22 from 0.0.0.0/0' } }],
    },
    {
      name: 'an IPv6 source without a description',
      data: one({ ingress: [tcp(22, '::/0')] }),
      findings: [{ messageId: 'missing', data: { rules: 'tcp 22 from ::/0' } }],
    },
    {
      name: 'a prefix-list source without a description',
      data: one({ ingress: [udp(53, PL)] }),
      findings: [{ messageId: 'missing', data: { rules: `udp 53 from ${PL}` } }],
    },
    {
      name: 'a group-reference source without a description',
      data: one({ ingress: [tcp(5432, 'sg-app')] }),
      findings: [{ messageId: 'missing', data: { rules: `tcp 5432 from sg-app (account ${ACCOUNT})` } }],
    },
    {
      name: 'the default group\'s self-reference',
      data: { groups: [group({ id: 'sg-default1', name: 'default', ingress: [all('sg-default1')], egress: [all('0.0.0.0/0')] })] },
      findings: [{ messageId: 'missing', groupId: 'sg-default1', data: { count: '1 inbound', rules: 'all traffic from sg-default1 (self)' } }],
    },
    {
      name: 'a whitespace-only description counts as missing',
      data: one({ ingress: [described(tcp(22, '10.0.0.0/8'), '   \t ')] }),
      findings: [{ messageId: 'missing', data: { count: '1 inbound', rules: 'tcp 22 from 10.0.0.0/8' } }],
    },
    {
      name: 'an empty description counts as missing',
      data: one({ ingress: [described(tcp(22, '10.0.0.0/8'), '')] }),
      findings: [{ messageId: 'missing', data: { rules: 'tcp 22 from 10.0.0.0/8' } }],
    },
    {
      name: 'ICMP -1 and protocol 50 sources need descriptions too',
      data: one({ ingress: [icmp(-1, -1, '10.0.0.0/8'), proto('50', undefined, '52.94.76.10/32')] }),
      findings: [{ messageId: 'missing', data: { count: '2 inbound', icmp: 'icmp all types from 10.0.0.0/8', esp: 'proto 50 (ESP) from 52.94.76.10/32' } }],
    },
    {
      name: 'one finding per group, listing only the undescribed sources of a mixed permission',
      data: one({
        ingress: [
          { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-alb', UserId: ACCOUNT, Description: 'ALB' }, { GroupId: 'sg-web', UserId: ACCOUNT }] },
          described(tcp(443, '0.0.0.0/0')),
          tcp(22, '203.0.113.10/32'),
        ],
      }),
      findings: [{ messageId: 'missing', data: { count: '2 inbound source(s)', rules: `tcp 8080 from sg-web (account ${ACCOUNT}); tcp 22 from 203.0.113.10/32` } }],
    },
    {
      name: 'each group with undescribed sources is its own finding',
      data: { groups: [group({ id: 'sg-a', ingress: [tcp(22, '10.0.0.0/8')] }), group({ id: 'sg-b', ingress: [described(tcp(22, '10.0.0.0/8'))] }), group({ id: 'sg-c', ingress: [tcp(80, '::/0')] })] },
      findings: [
        { messageId: 'missing', groupId: 'sg-a' },
        { messageId: 'missing', groupId: 'sg-c' },
      ],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { checkEgress: true }, error: /must NOT have additional properties \(checkEgress\)/ }],
});

describe('rule-missing-description: the update-security-group-rule-descriptions-ingress command', () => {
  const commandFor = (ingress: IpPermission[]) => {
    const { findings } = runCase(rule, { name: 'command', data: one({ ingress }) });
    assert.equal(findings.length, 1);
    const command = findings[0]?.remediationCommand ?? '';
    const prefix = "aws ec2 update-security-group-rule-descriptions-ingress --region us-east-1 --group-id sg-target --ip-permissions '";
    assert.ok(command.startsWith(prefix), command);
    assert.ok(command.endsWith("'"), command);
    return JSON.parse(command.slice(prefix.length, -1)) as unknown;
  };

  test('names only the undescribed source of a permission with a described one', () => {
    const ingress = [{ ...tcp(22, '0.0.0.0/0'), IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpn' }, { CidrIp: '0.0.0.0/0' }] }];
    assert.deepEqual(commandFor(ingress), [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: '<who and why>' }] }]);
  });

  test('the exact command for an IPv4 source', () => {
    const { findings } = runCase(rule, { name: 'exact', data: one({ ingress: [tcp(22, '0.0.0.0/0')] }) });
    assert.equal(
      findings[0]?.remediationCommand,
      'aws ec2 update-security-group-rule-descriptions-ingress --region us-east-1 --group-id sg-target --ip-permissions ' +
        `'[{"IpProtocol":"tcp","FromPort":22,"ToPort":22,"IpRanges":[{"CidrIp":"0.0.0.0/0","Description":"<who and why>"}]}]'`,
    );
  });

  test('each source kind in its own list, with protocol, ports or ICMP type/code as AWS spells them', () => {
    const ingress = [
      described(tcp(443, '0.0.0.0/0')),
      tcp(443, '::/0'),
      udp([1000, 2000], PL),
      all('sg-target'),
      icmp(8, -1, '10.0.0.0/8'),
      proto('50', undefined, '52.94.76.10/32'),
    ];
    assert.deepEqual(commandFor(ingress), [
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: '<who and why>' }] },
      { IpProtocol: 'udp', FromPort: 1000, ToPort: 2000, PrefixListIds: [{ PrefixListId: PL, Description: '<who and why>' }] },
      { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-target', UserId: ACCOUNT, Description: '<who and why>' }] },
      { IpProtocol: 'icmp', FromPort: 8, ToPort: -1, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: '<who and why>' }] },
      { IpProtocol: '50', IpRanges: [{ CidrIp: '52.94.76.10/32', Description: '<who and why>' }] },
    ]);
  });

  test('egress sources never appear in the command, and sources list the undescribed ones', () => {
    const { findings } = runCase(rule, { name: 'egress', data: one({ ingress: [tcp(22, '10.0.0.0/8', PL)], egress: [all('0.0.0.0/0')] }) });
    const f = findings[0];
    assert.ok(f);
    assert.doesNotMatch(f.remediationCommand ?? '', /egress|0\.0\.0\.0\/0/);
    assert.deepEqual(f.sources, ['10.0.0.0/8', PL]);
  });
});
