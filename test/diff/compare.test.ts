// The structural comparison: rules matched by sgr- id, then by content; groups created and
// deleted; attachments; what is left out of the comparison and why.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareModels, compareRules } from '../../src/diff/compare.js';
import { permissionText } from '../../src/model/exposure.js';
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { all, eni, group, model, rulesOf, tcp, type ScopeSpec } from '../helpers/builders.js';

const G = 'sg-0000000000000abcd';

/** One group with sgr- ids, the ids renamed where given (index → id). */
function side(ingress: ReturnType<typeof tcp>[], ids: Record<number, string> = {}, egress: ReturnType<typeof tcp>[] = []): ScopeSpec {
  const g = group({ id: G, name: 'web', ingress, egress });
  const rules: SecurityGroupRule[] = rulesOf(g).map((r, i) => (ids[i] ? { ...r, SecurityGroupRuleId: ids[i] } : r));
  return { groups: [g], securityGroupRules: rules };
}

const summary = (deltas: ReturnType<typeof compareRules>) =>
  deltas.map((d) => [d.change, d.before ? permissionText(d.before) : undefined, d.after ? permissionText(d.after) : undefined, d.before?.ruleId, d.after?.ruleId]);

describe('diff: rules', () => {
  test('the same sgr- id with other content was modified; with another description only, described', () => {
    const before = model(side([tcp(8443, '0.0.0.0/0'), tcp(22, '10.0.0.0/8')], { 0: 'sgr-a', 1: 'sgr-b' })).groups[0];
    const afterGroup = group({ id: G, ingress: [tcp(8443, '203.0.113.0/24'), { ...tcp(22), IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'VPN only' }] }] });
    const rules = rulesOf(afterGroup).map((r, i) => ({ ...r, SecurityGroupRuleId: i === 0 ? 'sgr-a' : 'sgr-b' }));
    const after = model({ groups: [afterGroup], securityGroupRules: rules }).groups[0];
    assert.ok(before && after);
    assert.deepEqual(summary(compareRules(before.ingress, after.ingress, 'ingress')), [
      ['modified', 'tcp 8443 from 0.0.0.0/0', 'tcp 8443 from 203.0.113.0/24', 'sgr-a', 'sgr-a'],
      ['description', 'tcp 22 from 10.0.0.0/8', 'tcp 22 from 10.0.0.0/8', 'sgr-b', 'sgr-b'],
    ]);
  });

  test('the same content under a new sgr- id was re-created (removed and added again): a change, not "unchanged"', () => {
    const before = model(side([tcp(27017, '0.0.0.0/0')], { 0: 'sgr-old' })).groups[0];
    const after = model(side([tcp(27017, '0.0.0.0/0')], { 0: 'sgr-new' })).groups[0];
    assert.ok(before && after);
    assert.deepEqual(summary(compareRules(before.ingress, after.ingress, 'ingress')), [['recreated', 'tcp 27017 from 0.0.0.0/0', 'tcp 27017 from 0.0.0.0/0', 'sgr-old', 'sgr-new']]);
  });

  test('without sgr- ids, rules are matched by content: one source of an IpPermission added, another removed', () => {
    const before = model({ groups: [group({ id: G, ingress: [tcp(22, '10.0.0.0/8', '0.0.0.0/0')] })] }).groups[0];
    const after = model({ groups: [group({ id: G, ingress: [tcp(22, '10.0.0.0/8', '::/0')] })] }).groups[0];
    assert.ok(before && after);
    assert.deepEqual(summary(compareRules(before.ingress, after.ingress, 'ingress')), [
      ['removed', 'tcp 22 from 0.0.0.0/0', undefined, undefined, undefined],
      ['added', undefined, 'tcp 22 from ::/0', undefined, undefined],
    ]);
  });

  test('spellings the API gives for one rule ("6" and "tcp", -1 ports) are the same rule', () => {
    const before = model({ groups: [group({ id: G, ingress: [{ IpProtocol: '6', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] })] }).groups[0];
    const after = model({ groups: [group({ id: G, ingress: [tcp(22, '0.0.0.0/0')] })] }).groups[0];
    assert.ok(before && after);
    assert.deepEqual(compareRules(before.ingress, after.ingress, 'ingress'), []);
  });
});

describe('diff: groups and attachments', () => {
  const other = 'sg-0000000000000beef';
  const gone = 'sg-0000000000000dead';
  const before = model({
    groups: [group({ id: G, ingress: [tcp(80, '0.0.0.0/0')] }), group({ id: gone, name: 'old', egress: [all('0.0.0.0/0')] })],
    interfaces: [eni({ id: 'eni-00000000000000001', groups: [G, gone] })],
  });
  const after = model({
    groups: [group({ id: G, ingress: [tcp(80, '0.0.0.0/0')] }), group({ id: other, name: 'new', ingress: [tcp(6379, '0.0.0.0/0')] })],
    interfaces: [eni({ id: 'eni-00000000000000001', groups: [G, other] }), eni({ id: 'eni-00000000000000002', groups: [G] })],
  });

  test('created and deleted groups, their rules, and the interfaces each gained or lost', () => {
    const { groups } = compareModels(before, after);
    assert.deepEqual(
      groups.map((g) => [(g.after ?? g.before)?.id, g.change, g.rules.map((r) => r.change), g.attachments.map((a) => `${a.change} ${a.eni.id}`)]),
      [
        [other, 'created', ['added'], ['gained eni-00000000000000001']],
        [G, 'changed', [], ['gained eni-00000000000000002']],
        [gone, 'deleted', ['removed'], ['lost eni-00000000000000001']],
      ],
    );
  });

  test('an unchanged account has no changes', () => {
    assert.deepEqual(compareModels(before, before).groups, []);
  });

  test('what is not compared is said: a region on one side only, no sgr- ids, no interfaces', () => {
    const left = model({ groups: [group({ id: G })] }, { groups: [], region: 'eu-west-1' });
    const right = model({ groups: [group({ id: G })], interfaces: [] });
    const { limits, compared } = compareModels(left, right);
    assert.deepEqual([...compared], ['111122223333/us-east-1']);
    assert.deepEqual(limits, [
      '111122223333 eu-west-1: only in the before side, not compared',
      '111122223333 us-east-1: no sgr- ids on a side (add describe-security-group-rules): rules matched by content, so a rule re-created with a new id is not seen',
      '111122223333 us-east-1: the network interfaces are missing from a side (add describe-network-interfaces): attachments not compared',
    ]);
  });

  test('a region whose groups could not be collected on a side is not compared (its groups are not "deleted")', () => {
    const broken = model({ failed: { securityGroups: 'UnauthorizedOperation' } });
    const { groups, limits } = compareModels(before, broken);
    assert.deepEqual(groups, []);
    assert.match(limits[0] ?? '', /security groups are missing from a side/);
  });
});
