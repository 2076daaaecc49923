import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IpPermission, UserIdGroupPair } from '@aws-sdk/client-ec2';
import rule from '../../rules/stale-sg-reference.js';
import { ACCOUNT, all, group, rulesOf, staleGroup, tcp } from '../helpers/builders.js';
import { onlyFinding, ruleTester } from '../helpers/rule-tester.js';

const OTHER_ACCOUNT = '999988887777';

/** A tcp permission whose group pairs are given as AWS returns them (the builders always add UserId). */
const pairs = (port: number, ...groupPairs: UserIdGroupPair[]): IpPermission => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, UserIdGroupPairs: groupPairs });

/** A deleted group, as AWS shows a reference to it: no UserId (and no GroupName). */
const gone = (groupId = 'sg-gone'): UserIdGroupPair => ({ GroupId: groupId });

const db = (spec: Parameters<typeof group>[0] = {}) => group({ id: 'sg-db', name: 'db', ...spec });

ruleTester(rule, {
  valid: [
    { name: 'no group references', data: { groups: [db({ ingress: [tcp(5432, '10.0.0.0/8', '::/0', 'pl-0123456789abcdef0')] })] } },
    {
      name: 'a reference with UserId to a group in the audit',
      data: { groups: [db({ ingress: [tcp(5432, 'sg-app')] }), group({ id: 'sg-app' })] },
    },
    {
      name: 'a reference without UserId to a group that is in the audit',
      data: { groups: [db({ ingress: [pairs(5432, gone('sg-app'))] }), group({ id: 'sg-app' })] },
    },
    {
      name: 'a reference with UserId to a group outside the audit (another account)',
      data: { groups: [db({ ingress: [pairs(5432, { GroupId: 'sg-partner', UserId: OTHER_ACCOUNT })] })] },
    },
    {
      name: 'a reference with UserId to a group outside the audit (same account, another region or VPC)',
      data: { groups: [db({ ingress: [tcp(5432, 'sg-elsewhere')] })] },
    },
    {
      name: 'a reference across an active peering',
      data: {
        groups: [
          db({ ingress: [pairs(5432, { GroupId: 'sg-peer', UserId: OTHER_ACCOUNT, VpcId: 'vpc-peer', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'active' })] }),
        ],
      },
    },
    {
      name: 'a reference across a peering pending acceptance',
      data: {
        groups: [db({ ingress: [pairs(5432, { GroupId: 'sg-peer', UserId: OTHER_ACCOUNT, VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'pending-acceptance' })] })],
      },
    },
    { name: 'a self-reference (with UserId)', data: { groups: [db({ ingress: [all('sg-db')] })] } },
    { name: 'a self-reference without UserId', data: { groups: [db({ ingress: [pairs(5432, gone('sg-db'))] })] } },
    {
      name: 'DescribeStaleSecurityGroups collected and listing nothing',
      data: { groups: [db({ ingress: [tcp(5432, 'sg-app')] }), group({ id: 'sg-app' })], staleSecurityGroups: [] },
    },
  ],
  invalid: [
    {
      name: 'listed by DescribeStaleSecurityGroups (the pair still carries its UserId)',
      data: {
        groups: [db({ ingress: [tcp(5432, 'sg-gone')] })],
        staleSecurityGroups: [staleGroup({ groupId: 'sg-db', permissions: [tcp(5432, 'sg-gone')] })],
      },
      findings: [
        {
          messageId: 'stale',
          key: 'ingress|tcp|5432|sg-gone',
          groupId: 'sg-db',
          data: { count: '1 rule(s)', rule: `tcp 5432 from sg-gone (account ${ACCOUNT}) (listed by DescribeStaleSecurityGroups)` },
        },
      ],
    },
    {
      name: 'DescribeStaleSecurityGroups lists one group of two',
      data: {
        groups: [db({ ingress: [tcp(5432, 'sg-app')] }), group({ id: 'sg-app' }), group({ id: 'sg-other', ingress: [tcp(22, 'sg-gone')] })],
        staleSecurityGroups: [staleGroup({ groupId: 'sg-other', permissions: [tcp(22, 'sg-gone')] })],
      },
      findings: [{ messageId: 'stale', groupId: 'sg-other', data: { rule: 'tcp 22 from sg-gone' } }],
    },
    {
      name: 'a reference without UserId to a group that is not in the audit',
      data: { groups: [db({ ingress: [pairs(5432, gone())] })] },
      findings: [{ messageId: 'stale', key: 'ingress|tcp|5432|sg-gone', data: { rule: 'tcp 5432 from sg-gone (the group was deleted (no owner))' } }],
    },
    {
      name: 'the demo account case: no UserId, across an active peering, and listed as stale: one rule, reported once',
      data: {
        groups: [
          db({
            ingress: [
              pairs(5432, {
                GroupId: 'sg-0b48adacb4cd7dc3c',
                VpcId: 'vpc-06eb946d23ceac9fd',
                VpcPeeringConnectionId: 'pcx-014fc77f3f95ea986',
                PeeringStatus: 'active',
                Description: 'Postgres from staging schema migrator (via pcx)',
              }),
            ],
          }),
        ],
        staleSecurityGroups: [staleGroup({ groupId: 'sg-db', permissions: [pairs(5432, gone('sg-0b48adacb4cd7dc3c'))] })],
      },
      findings: [{ messageId: 'stale', data: { count: '1 rule(s)', rule: 'tcp 5432 from sg-0b48adacb4cd7dc3c (listed by DescribeStaleSecurityGroups)' } }],
    },
    {
      name: 'a reference across a deleted peering (UserId present)',
      data: {
        groups: [db({ ingress: [pairs(5432, { GroupId: 'sg-peer', UserId: OTHER_ACCOUNT, VpcId: 'vpc-peer', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'deleted' })] })],
      },
      findings: [{ messageId: 'stale', data: { rule: `tcp 5432 from sg-peer (account ${OTHER_ACCOUNT}) (peering pcx-1 is deleted)` } }],
    },
    {
      name: 'peering states failed, expired and rejected (any case) are dead too',
      data: {
        groups: [
          db({
            ingress: [
              pairs(1001, { GroupId: 'sg-p1', UserId: OTHER_ACCOUNT, VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'failed' }),
              pairs(1002, { GroupId: 'sg-p2', UserId: OTHER_ACCOUNT, VpcPeeringConnectionId: 'pcx-2', PeeringStatus: 'Expired' }),
              pairs(1003, { GroupId: 'sg-p3', UserId: OTHER_ACCOUNT, VpcPeeringConnectionId: 'pcx-3', PeeringStatus: 'REJECTED' }),
            ],
          }),
        ],
      },
      findings: [{ messageId: 'stale', data: { count: '3 rule(s)', p1: 'pcx-1 is failed', p2: 'pcx-2 is Expired', p3: 'pcx-3 is REJECTED' } }],
    },
    {
      name: 'a deleted peering without its connection id',
      data: { groups: [db({ ingress: [pairs(5432, { GroupId: 'sg-peer', UserId: OTHER_ACCOUNT, PeeringStatus: 'deleted' })] })] },
      findings: [{ messageId: 'stale', data: { rule: '(the peering is deleted)' } }],
    },
    {
      name: 'an egress reference to a deleted group',
      data: { groups: [db({ egress: [pairs(443, gone())] })] },
      findings: [{ messageId: 'stale', key: 'egress|tcp|443|sg-gone', data: { rule: 'egress tcp 443 to sg-gone' } }],
    },
    {
      name: 'stale rules in both directions are one finding counting both',
      data: { groups: [db({ ingress: [pairs(5432, gone())], egress: [pairs(443, gone('sg-gone2'))] })] },
      findings: [{ messageId: 'stale', key: 'egress|tcp|443|sg-gone2,ingress|tcp|5432|sg-gone', data: { count: '2 rule(s)' } }],
    },
    {
      name: 'the stale source of a permission is reported, not its live sources',
      data: { groups: [db({ ingress: [{ ...pairs(5432, gone(), { GroupId: 'sg-app', UserId: ACCOUNT }), IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] }), group({ id: 'sg-app' })] },
      findings: [{ messageId: 'stale', data: { count: '1 rule(s)', rule: 'tcp 5432 from sg-gone (the group' } }],
    },
  ],
  errors: [
    {
      name: 'security groups failed to collect',
      data: { failed: { securityGroups: 'UnauthorizedOperation' } },
      error: /DescribeSecurityGroups could not be collected/,
    },
  ],
  invalidOptions: [{ name: 'the rule takes no options', options: { ignorePeering: true }, error: /must NOT have additional properties \(ignorePeering\)/ }],
});

describe('stale-sg-reference: remediation', () => {

  test('with DescribeSecurityGroupRules: revoke exactly the stale sgr- id, not the other sources of the permission', () => {
    const g = db({ ingress: [{ ...pairs(5432, gone()), IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] });
    const rules = rulesOf(g);
    const staleId = rules.find((r) => r.ReferencedGroupInfo?.GroupId === 'sg-gone')?.SecurityGroupRuleId;
    assert.ok(staleId);
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rules });
    assert.equal(f.remediationCommand, `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-db --security-group-rule-ids ${staleId}`);
    assert.deepEqual(f.sources, ['sg-gone']);
  });

  test('with DescribeSecurityGroupRules: one command per direction', () => {
    const g = db({ ingress: [pairs(5432, gone())], egress: [pairs(443, gone('sg-gone2'))] });
    const rules = rulesOf(g);
    const id = (groupId: string, egress: boolean) =>
      rules.find((r) => r.ReferencedGroupInfo?.GroupId === groupId && r.IsEgress === egress)?.SecurityGroupRuleId ?? 'missing';
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rules });
    assert.equal(
      f.remediationCommand,
      `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-db --security-group-rule-ids ${id('sg-gone', false)}` +
        ` && aws ec2 revoke-security-group-egress --region us-east-1 --group-id sg-db --security-group-rule-ids ${id('sg-gone2', true)}`,
    );
  });

  test('listed by DescribeStaleSecurityGroups: the group\'s own rule (with its sgr- id) is revoked', () => {
    const g = db({ ingress: [tcp(5432, 'sg-gone')] });
    const rules = rulesOf(g);
    const f = onlyFinding(rule, { groups: [g], securityGroupRules: rules, staleSecurityGroups: [staleGroup({ groupId: 'sg-db', permissions: [tcp(5432, 'sg-gone')] })] });
    assert.equal(f.remediationCommand, `aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-db --security-group-rule-ids ${rules[0]?.SecurityGroupRuleId}`);
  });

  test('without sgr- ids: the generic two-step command', () => {
    const f = onlyFinding(rule, { groups: [db({ ingress: [pairs(5432, gone())] })] });
    assert.match(f.remediationCommand ?? '', /^aws ec2 describe-stale-security-groups --region us-east-1 --vpc-id <vpc-id>/);
  });

  test('evidence gives each stale rule with its reason', () => {
    const f = onlyFinding(rule, { groups: [db({ ingress: [pairs(5432, gone())] })] });
    assert.deepEqual(f.evidence['rules'], [
      { direction: 'ingress', protocol: 'tcp', ports: '5432', source: 'sg-gone', reason: 'the group was deleted (no owner)' },
    ]);
  });
});
