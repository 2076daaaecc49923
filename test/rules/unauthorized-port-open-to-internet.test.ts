import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule from '../../rules/unauthorized-port-open-to-internet.js';
import { RULES } from '../../rules/index.js';
import { evaluate, type Finding, type ResolvedRule } from '../../src/engine/evaluate.js';
import { mergeOptions, optionProblems } from '../../src/rules-kit/options.js';
import { all, eni, group, icmp, model, prefixList, proto, rulesOf, tcp, udp, withRuleIds, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: IpPermission[]): ScopeSpec => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL = 'pl-0123456789abcdef0';
const withList = (entries: string[], ...ingress: IpPermission[]): ScopeSpec => ({ ...one(...ingress), prefixListEntries: { [PL]: entries } });

const ALL_TRAFFIC = 'all-traffic-open-to-internet';
/**
 * The rules whose ports this one skips by default. The tester hands a rule the options of the
 * enabled rules only, so cases about the default skip list enable them (with their defaults);
 * the describe block below runs the engine with the whole catalog instead.
 */
const PORT_RULES = ['ssh-open-to-internet', 'rdp-open-to-internet', 'high-risk-port-open-to-internet'];

ruleTester(rule, {
  valid: [
    { name: 'tcp 80 and 443 from anywhere are authorized by default', data: one(tcp(80, '0.0.0.0/0', '::/0'), tcp(443, '0.0.0.0/0', '::/0')) },
    { name: 'tcp 80-80 and 443-443 written as ranges', data: one(proto('tcp', [80, 80], '0.0.0.0/0'), proto('6', [443, 443], '::/0')) },
    { name: 'tcp 8443 from an office /32', data: one(tcp(8443, '52.94.76.10/32')) },
    { name: 'tcp 8443 from a private /8', data: one(tcp(8443, '10.0.0.0/8')) },
    { name: 'tcp 0-65535 from everything private (RFC 1918 + ULA)', data: one(tcp([0, 65535], '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7')) },
    { name: 'all traffic from a group reference', data: one(all('sg-0123456789abcdef0')) },
    { name: 'tcp 8443 from an unresolved prefix list is not counted as the internet', data: one(tcp(8443, PL)) },
    { name: 'tcp 8443 from a resolved prefix list of office /32s', data: withList(['52.94.76.10/32', '198.51.100.7/32'], tcp(8443, PL)) },
    { name: 'tcp 443 from a resolved 0.0.0.0/0 prefix list is authorized', data: withList(['0.0.0.0/0'], tcp(443, PL)) },
    { name: 'tcp 22 from anywhere is left to ssh-open-to-internet', data: one(tcp(22, '0.0.0.0/0')), alsoEnabled: PORT_RULES },
    { name: 'tcp and udp 3389 from anywhere are left to rdp-open-to-internet', data: one(tcp(3389, '0.0.0.0/0'), udp(3389, '::/0')), alsoEnabled: PORT_RULES },
    {
      name: 'high-risk ports from anywhere are left to high-risk-port-open-to-internet',
      data: one(tcp(3306, '0.0.0.0/0'), tcp(8080, '0.0.0.0/0'), udp(53, '::/0'), udp(161, '0.0.0.0/0')),
      alsoEnabled: PORT_RULES,
    },
    { name: 'tcp 20-23 from anywhere: 20, 21, 23 are high-risk and 22 is SSH', data: one(tcp([20, 23], '0.0.0.0/0')), alsoEnabled: PORT_RULES },
    { name: 'protocol 47 (GRE) opens no TCP or UDP port', data: one(proto('47', undefined, '0.0.0.0/0', '::/0')) },
    { name: 'protocol 50 (ESP) with ports given still opens no port', data: one(proto('50', [8443, 8443], '0.0.0.0/0')) },
    { name: 'ICMP -1 is types and codes, not ports', data: one(icmp(-1, -1, '0.0.0.0/0'), proto('icmpv6', [-1, -1], '::/0')) },
    { name: 'one half of IPv4 is not the internet', data: one(tcp(8443, '0.0.0.0/1')) },
    { name: 'halves split across ports do not add up', data: one(tcp(8443, '0.0.0.0/1'), tcp(8444, '128.0.0.0/1')) },
    { name: 'halves split across protocols do not add up', data: one(tcp(4500, '0.0.0.0/1'), udp(4500, '128.0.0.0/1')) },
    { name: 'IPv6 documentation and ULA space is not the internet', data: one(tcp(8443, '2001:db8::/32', 'fc00::/7')) },
    { name: 'egress to anywhere is not ingress', data: { groups: [group({ egress: [all('0.0.0.0/0', '::/0'), tcp(8443, '0.0.0.0/0')] })] } },
    {
      name: 'all traffic from anywhere is left to all-traffic-open-to-internet when it is enabled',
      data: one(all('0.0.0.0/0', '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
    },
    {
      name: 'tcp and udp 0-65535 from anywhere are left to all-traffic-open-to-internet when it is enabled',
      data: one(tcp([0, 65535], '0.0.0.0/0'), udp([1, 65535], '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
    },
    { name: 'option authorized: a range', data: one(tcp([8000, 8100], '0.0.0.0/0')), options: { authorized: ['tcp/8000-8100'] } },
    { name: 'option authorized: a udp port', data: one(udp(4500, '0.0.0.0/0', '::/0')), options: { authorized: ['udp/4500'] } },
    { name: 'option authorized: a range made of several entries', data: one(tcp([8000, 8100], '0.0.0.0/0')), options: { authorized: ['tcp/8000-8049', 'tcp/8050-8100'] } },
    { name: 'option authorized: specs are case-insensitive and trimmed', data: one(tcp(8443, '0.0.0.0/0')), options: { authorized: ['TCP/8443', ' tcp/80 '] } },
    { name: 'option skipPorts: an explicit list', data: one(tcp(8443, '0.0.0.0/0'), udp(4500, '::/0')), options: { skipPorts: ['tcp/8443', 'udp/4500'] } },
  ],
  invalid: [
    {
      name: 'tcp 8443 from 0.0.0.0/0',
      data: one(tcp(8443, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/8443', groupId: 'sg-target', severity: 'medium', data: { ports: 'tcp 8443', via: 'tcp 8443 from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 8443 from ::/0 only (IPv6)',
      data: one(tcp(8443, '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: 'tcp 8443 from ::/0' } }],
    },
    {
      name: 'tcp 8443 from both families is one finding',
      data: one(tcp(8443, '0.0.0.0/0', '::/0')),
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: 'tcp 8443 from 0.0.0.0/0; tcp 8443 from ::/0' } }],
    },
    {
      name: 'udp 4500 from anywhere',
      data: one(udp(4500, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'udp/4500', data: { ports: 'udp 4500' } }],
    },
    {
      name: 'tcp 80 and 443 stay authorized beside tcp 8443',
      data: one(tcp(80, '0.0.0.0/0'), tcp(443, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: 'tcp 8443 from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 23-79 with the SSH, RDP and high-risk rules enabled: 23 and 25 are skipped, the rest merged',
      data: one(tcp([23, 79], '0.0.0.0/0')),
      alsoEnabled: PORT_RULES,
      findings: [{ messageId: 'open', key: 'tcp/24,tcp/26-79', data: { ports: 'tcp 24, tcp 26-79' } }],
    },
    {
      name: 'tcp 79-81 just around the authorized 80',
      data: one(tcp([79, 81], '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/79,tcp/81', data: { ports: 'tcp 79, tcp 81' } }],
    },
    {
      name: 'udp 80 and udp 443 are not authorized (the defaults are tcp)',
      data: one(udp(80, '0.0.0.0/0'), udp(443, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'udp/80,udp/443', data: { ports: 'udp 80, udp 443' } }],
    },
    {
      name: 'tcp and udp in one finding, tcp first',
      data: one(udp(4500, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/8443,udp/4500', data: { ports: 'tcp 8443, udp 4500' } }],
    },
    {
      name: 'adjacent ranges from different permissions and families are merged',
      data: one(tcp([8000, 8010], '0.0.0.0/0'), tcp([8005, 8020], '::/0'), tcp([8021, 8030], '0.0.0.0/0')),
      options: { skipPorts: [] }, // 8020 (Hadoop) is otherwise left to high-risk-port-open-to-internet
      findings: [{ messageId: 'open', key: 'tcp/8000-8030', data: { ports: 'tcp 8000-8030' } }],
    },
    { name: 'tcp 8443-8443 range edge', data: one(tcp([8443, 8443], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/8443' }] },
    {
      name: 'tcp 81-442 just misses both authorized ports',
      data: one(tcp([81, 442], '0.0.0.0/0')),
      options: { skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/81-442' }],
    },
    { name: 'protocol "6" is tcp', data: one(proto('6', [8443, 8443], '0.0.0.0/0')), findings: [{ messageId: 'open', key: 'tcp/8443' }] },
    { name: 'protocol "17" is udp', data: one(proto('17', [4500, 4500], '::/0')), findings: [{ messageId: 'open', key: 'udp/4500' }] },
    {
      name: 'split CIDRs 0.0.0.0/1 + 128.0.0.0/1 in one permission',
      data: one(tcp(8443, '0.0.0.0/1', '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: 'tcp 8443 from 0.0.0.0/1; tcp 8443 from 128.0.0.0/1' } }],
    },
    {
      name: 'split CIDRs across permissions with different ranges: only the overlap',
      data: one(tcp([8440, 8450], '0.0.0.0/1'), tcp([8443, 8444], '128.0.0.0/1')),
      findings: [{ messageId: 'open', key: 'tcp/8443-8444', data: { via: 'tcp 8440-8450 from 0.0.0.0/1; tcp 8443-8444 from 128.0.0.0/1' } }],
    },
    {
      name: 'IPv6 global unicast 2000::/3 is the whole IPv6 internet',
      data: one(tcp(8443, '2000::/3')),
      findings: [{ messageId: 'open', key: 'tcp/8443' }],
    },
    {
      name: 'a resolved prefix list holding 0.0.0.0/0 is the internet',
      data: withList(['0.0.0.0/0'], tcp(8443, PL)),
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: `tcp 8443 from ${PL}` } }],
    },
    {
      name: 'a resolved prefix list holding the other half of a CIDR',
      data: withList(['128.0.0.0/1'], tcp(8443, '0.0.0.0/1', PL)),
      findings: [{ messageId: 'open', key: 'tcp/8443' }],
    },
    {
      name: 'a named prefix list shows its name',
      data: { ...withList(['::/0'], tcp(8443, PL)), prefixLists: [prefixList({ id: PL, name: 'everyone-v6' })] },
      findings: [{ messageId: 'open', data: { via: `tcp 8443 from ${PL} (everyone-v6)` } }],
    },
    {
      name: 'protocol all from anywhere, with all-traffic disabled and nothing authorized or skipped, is every port',
      data: one(all('0.0.0.0/0')),
      options: { authorized: [], skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/0-65535,udp/0-65535', data: { ports: 'tcp 0-65535, udp 0-65535', via: 'all traffic from 0.0.0.0/0' } }],
    },
    {
      name: 'tcp 0-65535 from anywhere, with all-traffic disabled: all but the authorized ports',
      data: one(tcp([0, 65535], '0.0.0.0/0')),
      options: { skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/0-79,tcp/81-442,tcp/444-65535' }],
    },
    {
      name: 'a separate tcp 8443 permission is still reported beside an all-traffic one',
      data: one(all('0.0.0.0/0'), tcp(8443, '::/0')),
      alsoEnabled: [ALL_TRAFFIC],
      findings: [{ messageId: 'open', key: 'tcp/8443', data: { via: 'tcp 8443 from ::/0' } }],
    },
    {
      name: 'tcp 2-65535 is not every TCP port, so it is reported even with all-traffic enabled',
      data: one(tcp([2, 65535], '0.0.0.0/0')),
      alsoEnabled: [ALL_TRAFFIC],
      options: { skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/2-79,tcp/81-442,tcp/444-65535' }],
    },
    {
      name: 'option authorized: an empty list authorizes nothing',
      data: one(tcp(80, '0.0.0.0/0'), tcp(443, '::/0')),
      options: { authorized: [] },
      findings: [{ messageId: 'open', key: 'tcp/80,tcp/443' }],
    },
    {
      name: 'option authorized replaces the defaults',
      data: one(tcp(80, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0')),
      options: { authorized: ['tcp/8443'] },
      findings: [{ messageId: 'open', key: 'tcp/80' }],
    },
    {
      name: 'option authorized: a range removes part of a wider open range',
      data: one(tcp([8000, 8200], '0.0.0.0/0')),
      options: { authorized: ['tcp/8050-8100'], skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/8000-8049,tcp/8101-8200', data: { ports: 'tcp 8000-8049, tcp 8101-8200' } }],
    },
    {
      name: 'high-risk ports inside an open range are left to their rule (tcp 8000-8100 minus 8020 and 8080, 8088)',
      data: one(tcp([8000, 8100], '0.0.0.0/0')),
      findings: [{ messageId: 'open', key: 'tcp/8000-8019,tcp/8021-8079,tcp/8081-8087,tcp/8089-8100' }],
    },
    {
      name: 'option authorized: a tcp range does not authorize udp',
      data: one(udp([8000, 8100], '0.0.0.0/0')),
      options: { authorized: ['tcp/8000-8100'] },
      findings: [{ messageId: 'open', key: 'udp/8000-8100' }],
    },
    {
      name: 'option skipPorts replaces the SSH, RDP and high-risk lists, even with those rules enabled',
      data: one(tcp(22, '0.0.0.0/0'), tcp(3306, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0')),
      alsoEnabled: PORT_RULES,
      options: { skipPorts: ['tcp/8443'] },
      findings: [{ messageId: 'open', key: 'tcp/22,tcp/3306' }],
    },
    {
      name: 'option skipPorts: an empty list skips nothing',
      data: one(tcp([20, 25], '0.0.0.0/0')),
      alsoEnabled: PORT_RULES,
      options: { skipPorts: [] },
      findings: [{ messageId: 'open', key: 'tcp/20-25' }],
    },
    {
      name: 'option skipPorts: a range',
      data: one(tcp([8000, 8100], '0.0.0.0/0')),
      options: { skipPorts: ['tcp/8000-8089'] },
      findings: [{ messageId: 'open', key: 'tcp/8090-8100' }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: {
        groups: [group({ id: 'sg-api', ingress: [tcp(8443, '0.0.0.0/0')] })],
        interfaces: [eni({ groups: ['sg-api'], instanceId: 'i-1', publicIp: '54.0.0.1' })],
      },
      findings: [{ messageId: 'open', key: 'tcp/8443', groupId: 'sg-api' }],
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
    { name: 'authorized must be a list', options: { authorized: 'tcp/80' }, error: /authorized must be array/ },
    { name: 'authorized entries are port specs', options: { authorized: ['http'] }, error: /authorized\/0 "http" is not a port spec/ },
    { name: 'authorized port specs name tcp or udp', options: { authorized: ['icmp/8'] }, error: /authorized\/0 "icmp\/8" is not a port spec/ },
    { name: 'authorized ports are in range', options: { authorized: ['tcp/70000'] }, error: /authorized\/0 "tcp\/70000" is not a port spec/ },
    { name: 'authorized must not repeat', options: { authorized: ['tcp/80', 'tcp/80'] }, error: /authorized must NOT have duplicate items/ },
    { name: 'skipPorts ranges run upwards', options: { skipPorts: ['tcp/90-80'] }, error: /skipPorts\/0 "tcp\/90-80" is not a port spec/ },
    { name: 'skipPorts entries are strings', options: { skipPorts: [22] }, error: /skipPorts\/0 must be string/ },
    { name: 'unknown option', options: { authorised: ['tcp/80'] }, error: /must NOT have additional properties \(authorised\)/ },
  ],
});

// The skip list comes from the other rules' effective options, "whether or not those rules are
// enabled": the engine gets them through `catalog`. These run it as the CLI should: the rule
// alone enabled, with every catalog rule's options known.
describe('unauthorized-port-open-to-internet: ports of the other rules, from the catalog', () => {
  const resolved = (id: string, options: Record<string, unknown> = {}): ResolvedRule => {
    const r = RULES.find((x) => x.meta.id === id);
    assert.ok(r, id);
    assert.deepEqual(optionProblems(r, options), []);
    return { rule: r, severity: r.meta.severity, options: mergeOptions(r.meta.options?.defaults ?? {}, options) };
  };
  /** Runs this rule alone (others disabled) with the catalog's options, some overridden. */
  const withCatalog = (data: ScopeSpec, overrides: Record<string, Record<string, unknown>> = {}, options: Record<string, unknown> = {}): Finding[] => {
    const catalog = RULES.map((r) => resolved(r.meta.id, overrides[r.meta.id]));
    const evaluation = evaluate(model(data), [resolved(rule.meta.id, options)], catalog);
    assert.deepEqual(evaluation.errors, []);
    return evaluation.findings.filter((f) => f.ruleId === rule.meta.id);
  };
  const keys = (findings: readonly Finding[]) => findings.map((f) => f.key);

  test('tcp 23-79 with the other rules disabled: still skips their ports', () => {
    const findings = withCatalog(one(tcp([23, 79], '0.0.0.0/0')));
    assert.deepEqual(keys(findings), ['tcp/24,tcp/26-79']);
    assert.match(findings[0]?.message ?? '', /: tcp 24, tcp 26-79 via tcp 23-79 from 0\.0\.0\.0\/0$/);
  });

  test('SSH, RDP and high-risk ports beside 8443: only 8443', () => {
    const data = one(tcp(22, '0.0.0.0/0'), tcp(3389, '0.0.0.0/0'), udp(3389, '0.0.0.0/0'), tcp(3306, '::/0'), udp(53, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0'));
    assert.deepEqual(keys(withCatalog(data)), ['tcp/8443']);
  });

  test('a custom ssh-open-to-internet `ports` changes what is skipped: 2222 skipped, 22 reported', () => {
    const data = one(tcp(22, '0.0.0.0/0'), tcp(2222, '0.0.0.0/0'));
    assert.deepEqual(keys(withCatalog(data)), ['tcp/2222'], 'defaults: 22 is SSH');
    assert.deepEqual(keys(withCatalog(data, { 'ssh-open-to-internet': { ports: [2222] } })), ['tcp/22']);
  });

  test('a custom rdp-open-to-internet `ports` changes what is skipped, tcp and udp', () => {
    const data = one(tcp(3389, '0.0.0.0/0'), tcp(13389, '0.0.0.0/0'), udp(13389, '0.0.0.0/0'));
    assert.deepEqual(keys(withCatalog(data, { 'rdp-open-to-internet': { ports: [13389] } })), ['tcp/3389']);
  });

  test('a custom high-risk list changes what is skipped', () => {
    const data = one(tcp(3306, '0.0.0.0/0'), tcp(9999, '0.0.0.0/0'));
    const overrides = { 'high-risk-port-open-to-internet': { ports: [{ protocol: 'tcp', port: 9999, service: 'admin' }] } };
    assert.deepEqual(keys(withCatalog(data, overrides)), ['tcp/3306']);
  });

  test('an enabled SSH rule with a custom `ports` is read from its configured options', () => {
    const evaluation = evaluate(model(one(tcp(22, '0.0.0.0/0'), tcp(2222, '0.0.0.0/0'))), [
      resolved(rule.meta.id),
      resolved('ssh-open-to-internet', { ports: [2222] }),
    ]);
    assert.deepEqual(keys(evaluation.findings.filter((f) => f.ruleId === rule.meta.id)), ['tcp/22']);
  });

  test('skipPorts wins over the catalog', () => {
    const data = one(tcp(22, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0'));
    assert.deepEqual(keys(withCatalog(data, {}, { skipPorts: ['tcp/8443'] })), ['tcp/22']);
  });
});

describe('unauthorized-port-open-to-internet: findings in detail', () => {
  const G = 'sg-0123456789abcdef0';

  test('the message, ports and sources', () => {
    const f = onlyFinding(rule, one(udp([5000, 5001], '::/0'), tcp(8443, '0.0.0.0/0', '10.0.0.0/8')));
    assert.equal(f.message, 'Port(s) open to the internet that are not authorized: tcp 8443, udp 5000-5001 via tcp 8443 from 0.0.0.0/0; udp 5000-5001 from ::/0');
    assert.deepEqual(f.ports, [
      { protocol: 'tcp', from: 8443, to: 8443 },
      { protocol: 'udp', from: 5000, to: 5001 },
    ]);
    assert.deepEqual(f.sources, ['0.0.0.0/0', '::/0']);
    assert.deepEqual(f.evidence['ports'], ['tcp/8443', 'udp/5000-5001']);
  });

  test('merged ranges: tcp 23-79 is reported as tcp 24 and tcp 26-79', () => {
    const f = onlyFinding(rule, one(tcp([23, 79], '0.0.0.0/0')), { alsoEnabled: PORT_RULES });
    assert.deepEqual(f.ports, [
      { protocol: 'tcp', from: 24, to: 24 },
      { protocol: 'tcp', from: 26, to: 79 },
    ]);
  });

  test('with sgr- ids: revokes exactly the offending rules (not the private one, not the one of another port)', () => {
    // …00 tcp 8443 0.0.0.0/0; …01 tcp 8443 10.0.0.0/8; …02 udp 4500 ::/0; …03 tcp 22 0.0.0.0/0 (skipped: SSH)
    const f = onlyFinding(rule, withRuleIds(G, tcp(8443, '0.0.0.0/0', '10.0.0.0/8'), udp(4500, '::/0'), tcp(22, '0.0.0.0/0')), { alsoEnabled: PORT_RULES });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef00 sgr-0123456789abcdef02`,
    );
  });

  test('with sgr- ids: an authorized port in its own rule is not revoked', () => {
    // …00 tcp 443 0.0.0.0/0 (authorized); …01 tcp 8443 0.0.0.0/0
    const f = onlyFinding(rule, withRuleIds(G, tcp(443, '0.0.0.0/0'), tcp(8443, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('with sgr- ids and all-traffic enabled: the all-traffic permission is not revoked here', () => {
    const f = onlyFinding(rule, withRuleIds(G, all('0.0.0.0/0'), tcp(8443, '::/0')), { alsoEnabled: [ALL_TRAFFIC] });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id ${G} --security-group-rule-ids sgr-0123456789abcdef01`,
    );
  });

  test('without sgr- ids: the two-step fallback', () => {
    const f = onlyFinding(rule, one(tcp(8443, '0.0.0.0/0')));
    assert.equal(
      f.remediationCommand,
      'aws ec2 describe-security-group-rules --region us-east-1 --filters Name=group-id,Values=sg-target' +
        '  # then: aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-target --security-group-rule-ids <sgr-id>',
    );
  });

  test('when one offending rule has no sgr- id: the fallback', () => {
    const g = group({ id: G, ingress: [tcp(8443, '0.0.0.0/0'), udp(4500, '::/0')] });
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rulesOf(g).filter((r) => r.IpProtocol !== 'udp') });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-security-group-rules /);
  });
});
