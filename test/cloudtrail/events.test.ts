// CloudTrail records read into events: who, when, from where, and what each call did to rules,
// groups and attachments, in the shapes CloudTrail logs EC2's calls.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { actorOf, readRecord, uniqueEvents, type Effect, type TrailEvent } from '../../src/cloudtrail/events.js';
import { permissionKey } from '../../src/model/normalize.js';
import { permissionText } from '../../src/model/exposure.js';

const ALICE = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLE:alice@acme.example',
  arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice@acme.example',
  accountId: '123456789012',
  accessKeyId: 'ASIAEXAMPLE',
  sessionContext: {
    sessionIssuer: { type: 'Role', principalId: 'AROAEXAMPLE', arn: 'arn:aws:iam::123456789012:role/Admin', accountId: '123456789012', userName: 'Admin' },
    attributes: { creationDate: '2026-01-01T07:00:00Z', mfaAuthenticated: 'true' },
    sourceIdentity: 'alice',
  },
};

function record(eventName: string, requestParameters: unknown, responseElements: unknown = null, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: '1.10',
    userIdentity: ALICE,
    eventTime: '2026-01-01T09:14:37Z',
    eventSource: 'ec2.amazonaws.com',
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '203.0.113.45',
    userAgent: 'AWS Internal',
    requestParameters,
    responseElements,
    eventID: `id-${eventName}`,
    recipientAccountId: '123456789012',
    ...extra,
  };
}

function read(r: Record<string, unknown>): TrailEvent {
  const event = readRecord(r);
  assert.ok(event, 'the record is read');
  return event;
}

const text = (e: Effect) => ('content' in e && e.content ? permissionText(e.content) : undefined);

describe('CloudTrail records', () => {
  test('who, when and from where: an assumed role names the role, its session and the source identity', () => {
    const e = read(record('DeleteSecurityGroup', { groupId: 'sg-1' }));
    assert.equal(e.eventTime, '2026-01-01T09:14:37Z');
    assert.equal(e.region, 'us-east-1');
    assert.equal(e.accountId, '123456789012');
    assert.equal(e.sourceIp, '203.0.113.45');
    assert.deepEqual(e.actor, {
      type: 'AssumedRole',
      arn: 'arn:aws:sts::123456789012:assumed-role/Admin/alice@acme.example',
      accountId: '123456789012',
      userName: 'Admin',
      role: 'arn:aws:iam::123456789012:role/Admin',
      session: 'alice@acme.example',
      sourceIdentity: 'alice',
      accessKeyId: 'ASIAEXAMPLE',
    });
  });

  test('an IAM user, the root user and a service acting for someone', () => {
    assert.deepEqual(actorOf({ type: 'IAMUser', arn: 'arn:aws:iam::1:user/bob', userName: 'bob' }), { type: 'IAMUser', arn: 'arn:aws:iam::1:user/bob', userName: 'bob' });
    assert.equal(actorOf({ type: 'Root', accountId: '123456789012' }).arn, 'arn:aws:iam::123456789012:root');
    assert.equal(actorOf({ type: 'AWSService', invokedBy: 'autoscaling.amazonaws.com' }).invokedBy, 'autoscaling.amazonaws.com');
    assert.deepEqual(actorOf(undefined), { type: 'Unknown' });
  });

  test('AuthorizeSecurityGroupIngress with several permissions: one effect per rule created, each with its sgr- id and content', () => {
    const e = read(
      record(
        'AuthorizeSecurityGroupIngress',
        {
          groupId: 'sg-1',
          ipPermissions: {
            items: [
              { ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: {}, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] }, ipv6Ranges: { items: [{ cidrIpv6: '::/0' }] }, prefixListIds: {} },
              { ipProtocol: 'tcp', fromPort: 443, toPort: 443, groups: {}, ipRanges: {}, ipv6Ranges: {}, prefixListIds: { items: [{ prefixListId: 'pl-0123456789abcdef0' }] } },
            ],
          },
        },
        {
          _return: true,
          securityGroupRuleSet: {
            items: [
              { groupId: 'sg-1', securityGroupRuleId: 'sgr-a', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' },
              { groupId: 'sg-1', securityGroupRuleId: 'sgr-b', isEgress: false, ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv6: '::/0' },
              { groupId: 'sg-1', securityGroupRuleId: 'sgr-c', isEgress: false, ipProtocol: 'tcp', fromPort: 443, toPort: 443, prefixListId: 'pl-0123456789abcdef0' },
            ],
          },
        },
      ),
    );
    assert.deepEqual(
      e.effects.map((x) => [x.kind, 'ruleId' in x ? x.ruleId : undefined, text(x)]),
      [
        ['rule-added', 'sgr-a', 'tcp 22 from 0.0.0.0/0'],
        ['rule-added', 'sgr-b', 'tcp 22 from ::/0'],
        // A call names a prefix list, not its entries.
        ['rule-added', 'sgr-c', 'tcp 443 from pl-0123456789abcdef0, entries unknown'],
      ],
    );
  });

  test('without the response (an older record), the request permissions are the content, keyed as the model keys them', () => {
    const e = read(
      record('AuthorizeSecurityGroupEgress', {
        groupId: 'sg-1',
        ipPermissions: { items: [{ ipProtocol: '-1', groups: { items: [{ groupId: 'sg-2', userId: '123456789012' }] }, ipRanges: {}, ipv6Ranges: {}, prefixListIds: {} }] },
      }),
    );
    const [effect] = e.effects;
    assert.equal(effect?.kind, 'rule-added');
    assert.ok(effect && 'content' in effect && effect.content);
    assert.equal(effect.direction, 'egress');
    assert.equal(permissionKey(effect.content), 'sg-1|egress|all||sg-2');
  });

  test('the old single-rule request form (cidrIp, ipProtocol, fromPort, toPort) is read too', () => {
    const e = read(record('AuthorizeSecurityGroupIngress', { groupId: 'sg-1', ipProtocol: '6', fromPort: 3389, toPort: 3389, cidrIp: '0.0.0.0/0' }));
    assert.deepEqual(e.effects.map(text), ['tcp 3389 from 0.0.0.0/0']);
  });

  test('a failed call changed nothing, and calls that cannot change exposure are not read', () => {
    assert.equal(readRecord(record('AuthorizeSecurityGroupIngress', { groupId: 'sg-1' }, null, { errorCode: 'Client.UnauthorizedOperation' })), undefined);
    assert.equal(readRecord(record('DescribeSecurityGroups', {})), undefined);
    assert.equal(readRecord(record('PutBucketPolicy', {}, null, { eventSource: 's3.amazonaws.com' })), undefined);
    assert.equal(readRecord({ ...record('DeleteSecurityGroup', { groupId: 'sg-1' }), awsRegion: undefined }), undefined);
    assert.equal(readRecord('not a record'), undefined);
  });

  test('RevokeSecurityGroupIngress by sgr- ids, by content (leaving out what AWS did not find), and with the revoked rules logged', () => {
    const byId = read(record('RevokeSecurityGroupIngress', { groupId: 'sg-1', securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-a' }, { securityGroupRuleId: 'sgr-b' }] } }));
    assert.deepEqual(byId.effects.map((x) => [x.kind, 'ruleId' in x ? x.ruleId : undefined]), [['rule-removed', 'sgr-a'], ['rule-removed', 'sgr-b']]);

    const byContent = read(
      record(
        'RevokeSecurityGroupIngress',
        {
          groupId: 'sg-1',
          ipPermissions: {
            items: [
              { ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }, { cidrIp: '10.0.0.0/8' }] } },
            ],
          },
        },
        { _return: true, unknownIpPermissionSet: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '10.0.0.0/8' }] } }] } },
      ),
    );
    assert.deepEqual(byContent.effects.map(text), ['tcp 22 from 0.0.0.0/0'], 'the unknown permission was not revoked');

    const logged = read(
      record('RevokeSecurityGroupEgress', { groupId: 'sg-1', securityGroupRuleIds: { items: [{ securityGroupRuleId: 'sgr-e' }] } }, {
        revokedSecurityGroupRuleSet: { items: [{ groupId: 'sg-1', securityGroupRuleId: 'sgr-e', isEgress: true, ipProtocol: '-1', fromPort: -1, toPort: -1, cidrIpv4: '0.0.0.0/0' }] },
      }),
    );
    assert.deepEqual(logged.effects.map((x) => [x.kind, 'ruleId' in x ? x.ruleId : undefined, text(x)]), [['rule-removed', 'sgr-e', 'all traffic to 0.0.0.0/0']]);
  });

  test('ModifySecurityGroupRules: the rule keeps its id and takes the new content (one rule, or several)', () => {
    const one = read(
      record('ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-1',
          SecurityGroupRule: { SecurityGroupRuleId: 'sgr-a', SecurityGroupRule: { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '0.0.0.0/0', Description: 'temp' }, tag: 1 },
        },
      }),
    );
    assert.deepEqual(one.effects.map((x) => [x.kind, 'ruleId' in x ? x.ruleId : undefined, text(x)]), [['rule-modified', 'sgr-a', 'tcp 22 from 0.0.0.0/0']]);
    const several = read(
      record('ModifySecurityGroupRules', {
        ModifySecurityGroupRulesRequest: {
          GroupId: 'sg-1',
          SecurityGroupRule: [
            { SecurityGroupRuleId: 'sgr-a', SecurityGroupRule: { IpProtocol: '-1', CidrIpv6: '::/0' } },
            { SecurityGroupRuleId: 'sgr-b', SecurityGroupRule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53, ReferencedGroupId: 'sg-2' } },
          ],
        },
      }),
    );
    assert.deepEqual(several.effects.map(text), ['all traffic from ::/0', 'udp 53 from sg-2']);
  });

  test('descriptions, by sgr- id or by content', () => {
    const byId = read(record('UpdateSecurityGroupRuleDescriptionsIngress', { groupId: 'sg-1', securityGroupRuleDescriptionSet: { items: [{ securityGroupRuleId: 'sgr-a', description: 'office' }] } }));
    assert.deepEqual(byId.effects, [{ kind: 'description', groupId: 'sg-1', direction: 'ingress', ruleId: 'sgr-a', description: 'office' }]);
    const byContent = read(
      record('UpdateSecurityGroupRuleDescriptionsEgress', { groupId: 'sg-1', ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 443, toPort: 443, ipRanges: { items: [{ cidrIp: '0.0.0.0/0', description: 'https out' }] } }] } }),
    );
    assert.equal(byContent.effects[0]?.kind, 'description');
    assert.equal(byContent.effects[0] && 'description' in byContent.effects[0] ? byContent.effects[0].description : '', 'https out');
  });

  test('groups created and deleted', () => {
    assert.deepEqual(read(record('CreateSecurityGroup', { groupName: 'web', groupDescription: 'x', vpcId: 'vpc-1' }, { _return: true, groupId: 'sg-9' })).effects, [
      { kind: 'group-created', groupId: 'sg-9', groupName: 'web', vpcId: 'vpc-1' },
    ]);
    assert.deepEqual(read(record('DeleteSecurityGroup', { groupId: 'sg-9' })).effects, [{ kind: 'group-deleted', groupId: 'sg-9' }]);
  });

  test('attachments: groups set on an interface or an instance, interfaces created with groups, gone, and addresses', () => {
    assert.deepEqual(read(record('ModifyNetworkInterfaceAttribute', { networkInterfaceId: 'eni-1', groupSet: { items: [{ groupId: 'sg-1' }, { groupId: 'sg-2' }] } })).effects, [
      { kind: 'groups-set', interfaceId: 'eni-1', groupIds: ['sg-1', 'sg-2'], created: false },
    ]);
    // Another attribute of the interface changes nothing here.
    assert.deepEqual(read(record('ModifyNetworkInterfaceAttribute', { networkInterfaceId: 'eni-1', sourceDestCheck: { value: false } })).effects, []);
    assert.deepEqual(read(record('ModifyInstanceAttribute', { instanceId: 'i-1', groupSet: { items: [{ groupId: 'sg-3' }] } })).effects, [
      { kind: 'groups-set', instanceId: 'i-1', groupIds: ['sg-3'], created: false },
    ]);
    const run = read(
      record('RunInstances', { groupSet: { items: [{ groupId: 'sg-1' }] } }, {
        instancesSet: { items: [{ instanceId: 'i-2', networkInterfaceSet: { items: [{ networkInterfaceId: 'eni-2', groupSet: { items: [{ groupId: 'sg-1', groupName: 'web' }] } }] } }] },
      }),
    );
    assert.deepEqual(run.effects, [{ kind: 'groups-set', interfaceId: 'eni-2', instanceId: 'i-2', groupIds: ['sg-1'], created: true }]);
    assert.deepEqual(read(record('CreateNetworkInterface', { subnetId: 'subnet-1' }, { networkInterface: { networkInterfaceId: 'eni-3', groupSet: { items: [{ groupId: 'sg-4' }] } } })).effects, [
      { kind: 'groups-set', interfaceId: 'eni-3', groupIds: ['sg-4'], created: true },
    ]);
    assert.deepEqual(read(record('TerminateInstances', { instancesSet: { items: [{ instanceId: 'i-2' }] } }, { instancesSet: { items: [{ instanceId: 'i-2' }] } })).effects, [
      { kind: 'interface-gone', instanceId: 'i-2' },
    ]);
    assert.deepEqual(read(record('DeleteNetworkInterface', { networkInterfaceId: 'eni-3' })).effects, [{ kind: 'interface-gone', interfaceId: 'eni-3' }]);
    assert.deepEqual(read(record('AssociateAddress', { instanceId: 'i-2', publicIp: '198.51.100.1' })).effects, [{ kind: 'address', instanceId: 'i-2', publicIp: '198.51.100.1' }]);
  });

  test('a record without its own time or id takes LookupEvents\' EventTime and EventId', () => {
    const r = record('DeleteSecurityGroup', { groupId: 'sg-1' });
    delete r['eventTime'];
    delete r['eventID'];
    const e = readRecord(r, { eventTime: '2026-01-02T00:00:00Z', eventId: 'lookup-id' });
    assert.equal(e?.eventTime, '2026-01-02T00:00:00Z');
    assert.equal(e?.eventId, 'lookup-id');
  });

  test('the same event read twice is kept once, and events come in time order', () => {
    const a = read({ ...record('DeleteSecurityGroup', { groupId: 'sg-1' }), eventID: 'a', eventTime: '2026-01-01T10:00:00Z' });
    const b = read({ ...record('DeleteSecurityGroup', { groupId: 'sg-2' }), eventID: 'b', eventTime: '2026-01-01T09:00:00Z' });
    assert.deepEqual(uniqueEvents([a, b, a]).map((e) => e.eventId), ['b', 'a']);
  });
});
