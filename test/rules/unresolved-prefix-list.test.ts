import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission } from '@aws-sdk/client-ec2';
import rule from '../../rules/unresolved-prefix-list.js';
import type { Finding } from '../../src/engine/evaluate.js';
import { all, eni, group, icmp, prefixList, proto, tcp, udp, type ScopeSpec } from '../helpers/builders.js';
import { onlyFinding, runCase, ruleTester } from '../helpers/rule-tester.js';

const one = (...ingress: IpPermission[]): ScopeSpec => ({ groups: [group({ id: 'sg-target', ingress })] });
const PL_A = 'pl-0aaaaaaaaaaaaaaaa';
const PL_B = 'pl-0bbbbbbbbbbbbbbbb';

ruleTester(rule, {
  valid: [
    { name: 'no ingress at all', data: one() },
    { name: 'CIDR and group sources only', data: one(tcp(22, '0.0.0.0/0', '::/0', 'sg-0123456789abcdef0')) },
    { name: 'a prefix list whose entries were collected', data: { ...one(tcp(22, PL_A)), prefixListEntries: { [PL_A]: ['52.94.76.10/32'] } } },
    { name: 'a prefix list collected as empty is known (it admits nothing)', data: { ...one(tcp(22, PL_A)), prefixListEntries: { [PL_A]: [] } } },
    {
      name: 'two prefix lists, both collected, in several permissions',
      data: { ...one(tcp(22, PL_A, PL_B), all(PL_B)), prefixListEntries: { [PL_A]: ['10.0.0.0/8'], [PL_B]: ['0.0.0.0/0'] } },
    },
    { name: 'an unresolved prefix list in egress only (the rule reads inbound rules)', data: { groups: [group({ id: 'sg-target', egress: [tcp(443, PL_A)] })] } },
  ],
  invalid: [
    {
      name: 'tcp 22 from a prefix list whose entries were not collected',
      data: one(tcp(22, PL_A)),
      findings: [{ messageId: 'unresolved', key: PL_A, groupId: 'sg-target', severity: 'info', data: { lists: PL_A } }],
    },
    {
      name: 'two lists, named once each, sorted',
      data: one(tcp(22, PL_B, PL_A), tcp(443, PL_B)),
      findings: [{ messageId: 'unresolved', key: `${PL_A},${PL_B}`, data: { lists: `${PL_A}, ${PL_B}` } }],
    },
    {
      name: 'only the unresolved one of two lists',
      data: { ...one(tcp(22, PL_A, PL_B)), prefixListEntries: { [PL_A]: ['10.0.0.0/8'] } },
      findings: [{ messageId: 'unresolved', key: PL_B }],
    },
    {
      name: 'described (DescribeManagedPrefixLists) but entries not collected is still unresolved',
      data: { ...one(tcp(22, PL_A)), prefixLists: [prefixList({ id: PL_A, name: 'office' })] },
      findings: [{ messageId: 'unresolved', key: PL_A }],
    },
    { name: 'protocol all from the list', data: one(all(PL_A)), findings: [{ messageId: 'unresolved', key: PL_A }] },
    { name: 'udp from the list', data: one(udp(53, PL_A)), findings: [{ messageId: 'unresolved', key: PL_A }] },
    { name: 'ICMP -1 from the list (any protocol)', data: one(icmp(-1, -1, PL_A)), findings: [{ messageId: 'unresolved', key: PL_A }] },
    { name: 'protocol "50" (ESP) from the list', data: one(proto('50', undefined, PL_A)), findings: [{ messageId: 'unresolved', key: PL_A }] },
    { name: 'beside 0.0.0.0/0 in the same permission', data: one(tcp(22, '0.0.0.0/0', PL_A)), findings: [{ messageId: 'unresolved', key: PL_A }] },
    {
      name: 'entries collected in another region do not resolve this region\'s list',
      data: [
        one(tcp(22, PL_A)),
        { region: 'eu-west-1', groups: [group({ id: 'sg-eu', ingress: [tcp(22, PL_A)] })], prefixListEntries: { [PL_A]: ['10.0.0.0/8'] } },
      ],
      findings: [{ messageId: 'unresolved', groupId: 'sg-target', key: PL_A }],
    },
    {
      name: 'an attached group carries its blast radius',
      data: { groups: [group({ id: 'sg-pl', ingress: [tcp(22, PL_A)] })], interfaces: [eni({ groups: ['sg-pl'], instanceId: 'i-1' })] },
      findings: [{ messageId: 'unresolved', groupId: 'sg-pl' }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { lists: [PL_A] }, error: /must NOT have additional properties \(lists\)/ }],
});

describe('unresolved-prefix-list: findings in detail', () => {
  test('the message names every unresolved list', () => {
    const finding = onlyFinding(rule, one(tcp(22, PL_B), tcp(3389, PL_A)));
    assert.equal(finding.message, `Exposure unknown: inbound rules use prefix list(s) ${PL_A}, ${PL_B} whose entries were not collected`);
    assert.deepEqual(finding.sources, [PL_A, PL_B]);
    assert.deepEqual(finding.evidence['prefixLists'], [PL_A, PL_B]);
    assert.deepEqual(
      (finding.evidence['permissions'] as { source: string; ports: string }[]).map((p) => [p.source, p.ports]),
      [
        [`${PL_B}, entries unknown`, '22'],
        [`${PL_A}, entries unknown`, '3389'],
      ],
    );
  });

  test('the remediation command fetches the entries in the group\'s region', () => {
    const finding = onlyFinding(rule, { region: 'eu-west-1', groups: [group({ ingress: [tcp(22, PL_A)] })] });
    assert.equal(
      finding.remediationCommand,
      'aws ec2 get-managed-prefix-list-entries --region eu-west-1 --prefix-list-id <pl-id> --output json > get-managed-prefix-list-entries.<pl-id>.json',
    );
  });

  test('when GetManagedPrefixListEntries failed: the list is reported and the collection error is kept', () => {
    const { findings, evaluation } = runCase(rule, { name: 'detail', data: { ...one(tcp(22, PL_A)), failed: { prefixListEntries: 'UnauthorizedOperation' } } });
    assert.equal(findings.length, 1, `expected one finding, got ${findings.length}`);
    const finding = findings[0] as Finding;
    assert.equal(finding.key, PL_A);
    assert.ok(
      evaluation.errors.some((e) => e.kind === 'collection' && e.code === 'UnauthorizedOperation'),
      'the failed collection must still be an error of the audit',
    );
  });

  test('one finding per group', () => {
    const { findings } = runCase(rule, {
      name: 'groups',
      data: {
        groups: [group({ id: 'sg-a', ingress: [tcp(22, PL_A)] }), group({ id: 'sg-b', ingress: [tcp(22, '10.0.0.0/8')] }), group({ id: 'sg-c', ingress: [udp(53, PL_B)] })],
      },
    });
    assert.deepEqual(
      findings.map((f) => [f.resource.id, f.key]),
      [
        ['sg-a', PL_A],
        ['sg-c', PL_B],
      ],
    );
  });
});
