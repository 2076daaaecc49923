// Matching events to rules, groups and attachments: by sgr- id, by content, by group and
// interface; the window; and why nothing matched.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { attribution, EventIndex } from '../../src/cloudtrail/attribute.js';
import { readRecord, type TrailEvent } from '../../src/cloudtrail/events.js';
import { attributeFinding } from '../../src/cloudtrail/findings.js';
import { evaluate } from '../../src/engine/evaluate.js';
import { effectiveRules } from '../../src/engine/select.js';
import type { Permission } from '../../src/model/types.js';
import { RULES } from '../../rules/index.js';
import { ACCOUNT, eni, group, model, REGION, rulesOf, tcp } from '../helpers/builders.js';

const where = { accountId: ACCOUNT, region: REGION };
let n = 0;

function event(eventName: string, requestParameters: unknown, responseElements: unknown, at: string, who = 'alice', extra: Record<string, unknown> = {}): TrailEvent {
  const e = readRecord({
    eventTime: at,
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: REGION,
    recipientAccountId: ACCOUNT,
    sourceIPAddress: '198.51.100.1',
    userAgent: 'aws-cli/2.22.4 Python/3.12',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${who}`, userName: who },
    requestParameters,
    responseElements,
    eventID: `event-${++n}`,
    ...extra,
  });
  assert.ok(e);
  return e;
}

const authorize = (groupId: string, ruleId: string, port: number, cidr: string, at: string, who?: string) =>
  event(
    'AuthorizeSecurityGroupIngress',
    { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: port, toPort: port, ipRanges: { items: [{ cidrIp: cidr }] } }] } },
    { _return: true, securityGroupRuleSet: { items: [{ groupId, securityGroupRuleId: ruleId, isEgress: false, ipProtocol: 'tcp', fromPort: port, toPort: port, cidrIpv4: cidr }] } },
    at,
    who,
  );

function ruleOf(groupId: string, port: number, cidr: string, withIds = true): { perm: Permission; ref: { id: string; name: string } } {
  const g = group({ id: groupId, ingress: [tcp(port, cidr)] });
  const m = model({ groups: [g], ...(withIds ? { securityGroupRules: rulesOf(g) } : {}) });
  const found = m.groups[0];
  assert.ok(found?.ingress[0]);
  return { perm: found.ingress[0], ref: { id: found.id, name: found.name } };
}

describe('attribution', () => {
  test('by sgr- id: each rule of a call that created several is tied to that call, and another call on the same group is not', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000a', 22, '0.0.0.0/0');
    const ruleId = perm.ruleId as string;
    const alice = authorize(ref.id, ruleId, 22, '0.0.0.0/0', '2026-01-01T09:00:00Z', 'alice');
    const bob = authorize(ref.id, 'sgr-other', 22, '10.0.0.0/8', '2026-01-01T10:00:00Z', 'bob');
    const index = new EventIndex([alice, bob]);
    const found = attribution(index, index.contentEvents(perm, ref, where), where);
    assert.deepEqual(
      found.events.map((e) => [e.principal, e.matchedBy, e.did]),
      [[`arn:aws:iam::${ACCOUNT}:user/alice`, 'rule id', `added tcp 22 from 0.0.0.0/0 (${ruleId})`]],
    );
    assert.equal(found.unmatched, undefined);
  });

  test('by content when the rule has no sgr- id on this side: same group, direction, protocol, ports and source', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000b', 3389, '0.0.0.0/0', false);
    const index = new EventIndex([authorize(ref.id, 'sgr-x', 3389, '0.0.0.0/0', '2026-01-01T09:00:00Z'), authorize(ref.id, 'sgr-y', 3389, '10.0.0.0/8', '2026-01-01T09:01:00Z')]);
    const hits = index.contentEvents(perm, ref, where);
    assert.equal(hits.length, 1);
    assert.equal(hits[0]?.matchedBy, 'rule content');
    assert.equal(index.contentEvents(perm, { id: 'sg-elsewhere' }, where).length, 0, 'another group holds no such rule');
  });

  test('a rule modified after it was created: its content comes from the modification', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000c', 5432, '0.0.0.0/0');
    const ruleId = perm.ruleId as string;
    const created = authorize(ref.id, ruleId, 5432, '10.0.0.0/8', '2026-01-01T12:00:00Z', 'alice');
    const modified = event(
      'ModifySecurityGroupRules',
      { ModifySecurityGroupRulesRequest: { GroupId: ref.id, SecurityGroupRule: { SecurityGroupRuleId: ruleId, SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '0.0.0.0/0' } } } },
      { return: true },
      '2026-01-01T12:45:00Z',
      'bob',
    );
    const index = new EventIndex([created, modified]);
    assert.deepEqual(index.contentEvents(perm, ref, where).map((h) => h.event.actor.userName), ['bob']);
    assert.deepEqual(index.ruleHistory(perm, ref, where).map((h) => h.event.actor.userName), ['alice', 'bob'], 'the history has both');
  });

  test('only events in the window count, and a change without one says why', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000d', 22, '0.0.0.0/0');
    const early = authorize(ref.id, perm.ruleId as string, 22, '0.0.0.0/0', '2025-12-30T09:00:00Z');
    const index = new EventIndex([early], { since: '2026-01-01T00:00:00Z', until: '2026-01-02T00:00:00Z', covered: [where] });
    const found = attribution(index, index.contentEvents(perm, ref, where), where);
    assert.deepEqual(found.events, []);
    assert.match(found.unmatched ?? '', /outside the window \(2026-01-01T00:00:00Z to 2026-01-02T00:00:00Z\).*not yet delivered/);
    const elsewhere = { accountId: '999988887777', region: 'eu-west-1' };
    assert.equal(index.unmatchedReason(elsewhere), 'the CloudTrail data holds no events for account 999988887777 in eu-west-1');
  });

  test('events of another account or region do not match', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000e', 22, '0.0.0.0/0');
    const there = readRecord({ eventTime: '2026-01-01T09:00:00Z', eventSource: 'ec2.amazonaws.com', eventName: 'AuthorizeSecurityGroupIngress', awsRegion: 'eu-west-1', recipientAccountId: ACCOUNT, eventID: 'x', userIdentity: { type: 'Root', accountId: ACCOUNT }, requestParameters: { groupId: ref.id }, responseElements: { securityGroupRuleSet: { items: [{ groupId: ref.id, securityGroupRuleId: perm.ruleId, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' }] } } });
    assert.ok(there);
    assert.equal(new EventIndex([there]).contentEvents(perm, ref, where).length, 0);
  });

  test('removed: the revoke by id, else by content, else the group\'s deletion', () => {
    const { perm, ref } = ruleOf('sg-0000000000000000f', 22, '0.0.0.0/0');
    const byId = event('RevokeSecurityGroupIngress', { groupId: ref.id, securityGroupRuleIds: { items: [{ securityGroupRuleId: perm.ruleId }] } }, { _return: true }, '2026-01-01T10:00:00Z');
    assert.equal(new EventIndex([byId]).removalEvents(perm, ref, where)[0]?.matchedBy, 'rule id');
    const deleted = event('DeleteSecurityGroup', { groupId: ref.id }, { _return: true }, '2026-01-01T11:00:00Z', 'carol');
    const gone = new EventIndex([deleted]).removalEvents(perm, ref, where);
    assert.deepEqual(gone.map((h) => [h.matchedBy, h.event.actor.userName]), [['group', 'carol']]);
  });

  test('attachments: the call that set the interface\'s (or its instance\'s) groups with the group, or without it', () => {
    const put = event('ModifyInstanceAttribute', { instanceId: 'i-1', groupSet: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] } }, { _return: true }, '2026-01-01T09:00:00Z', 'frank');
    const off = event('ModifyNetworkInterfaceAttribute', { networkInterfaceId: 'eni-1', groupSet: { items: [{ groupId: 'sg-2' }] } }, { _return: true }, '2026-01-01T10:00:00Z', 'grace');
    const index = new EventIndex([put, off]);
    assert.deepEqual(index.attachmentEvents('eni-1', 'i-1', 'sg-1', where, true).map((h) => [h.matchedBy, h.event.actor.userName]), [['instance', 'frank']]);
    assert.deepEqual(index.attachmentEvents('eni-1', 'i-1', 'sg-1', where, false).map((h) => [h.matchedBy, h.event.actor.userName]), [['interface', 'grace']]);
  });

  test('an audit finding names the call that opened the rules it blames', () => {
    const g = group({ id: 'sg-00000000000000011', name: 'bastion', ingress: [tcp(22, '0.0.0.0/0', '203.0.113.10/32')] });
    const rules = rulesOf(g);
    const m = model({ groups: [g], securityGroupRules: rules, interfaces: [eni({ groups: [g.GroupId as string] })] });
    const evaluation = evaluate(m, effectiveRules(RULES).filter((r) => r.rule.meta.id === 'ssh-open-to-internet'));
    const [finding] = evaluation.findings;
    assert.ok(finding);
    const open = rules.find((r) => r.CidrIpv4 === '0.0.0.0/0');
    const office = rules.find((r) => r.CidrIpv4 === '203.0.113.10/32');
    const index = new EventIndex([
      authorize(g.GroupId as string, open?.SecurityGroupRuleId as string, 22, '0.0.0.0/0', '2026-01-01T09:14:00Z', 'alice'),
      authorize(g.GroupId as string, office?.SecurityGroupRuleId as string, 22, '203.0.113.10/32', '2026-01-01T08:00:00Z', 'bob'),
    ]);
    const found = attributeFinding(finding, m, index);
    // The office /32 is not at fault (ssh is open through 0.0.0.0/0 alone), so bob is not named.
    assert.deepEqual(found?.events.map((e) => e.principal), [`arn:aws:iam::${ACCOUNT}:user/alice`]);
  });
});
