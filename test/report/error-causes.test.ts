// One cause, one line: errors of one cause across kinds, regions and accounts are one line with
// the hint that fits the cause; the rules they left unevaluated are one line per set of scopes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { causeLine, groupErrors, unevaluatedLine } from '../../src/report/error-causes.js';
import type { AuditError } from '../../src/report/types.js';

const collection = (region: string, operation: string, code: string, message: string, hint?: string, accountId = '111122223333'): AuditError => ({
  kind: 'collection',
  accountId,
  region,
  operation,
  code,
  message,
  ...(hint ? { hint } : {}),
});
const unevaluated = (region: string, ruleId: string, accountId = '111122223333'): AuditError => ({
  kind: 'rule',
  accountId,
  region,
  ruleId,
  code: 'IncompleteData',
  message: 'not evaluated: DescribeSecurityGroups could not be collected',
});

describe('grouping errors by cause', () => {
  test('a refused endpoint: every call of every region is one cause, its rules one line', () => {
    const refused = (region: string, op: string) => collection(region, op, 'ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9', 'nothing answered at the endpoint; check --endpoint-url and the network');
    const errors = [
      ...['DescribeSecurityGroups', 'DescribeVpcs', 'DescribeSubnets'].flatMap((op) => [refused('us-east-1', op), refused('eu-west-1', op)]),
      collection('us-east-1', 'DescribeStaleSecurityGroups', 'NotCollected', 'not collected: DescribeSecurityGroups failed'),
      ...['ssh-open-to-internet', 'unused-sg'].flatMap((id) => [unevaluated('us-east-1', id), unevaluated('eu-west-1', id)]),
    ];
    const { causes, unevaluated: rules } = groupErrors(errors);
    assert.equal(causes.length, 1);
    const [cause] = causes;
    assert.equal(cause?.count, 6);
    assert.deepEqual(cause?.regions, ['us-east-1', 'eu-west-1']);
    assert.equal(
      causeLine(cause!),
      'ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9 · 3 calls in 111122223333 2 regions (us-east-1, eu-west-1) (DescribeSecurityGroups, DescribeVpcs, DescribeSubnets) — nothing answered at the endpoint; check --endpoint-url and the network',
    );
    assert.equal(rules.length, 1, 'both regions lost the same rules: one line');
    assert.equal(unevaluatedLine(rules[0]!), '2 rules not evaluated in 111122223333 us-east-1, 111122223333 eu-west-1: the data they need could not be collected');
  });

  test('denials of several calls are one cause whose hint names every missing action (and the Get* trap)', () => {
    const denied = (op: string, region = 'us-east-1') =>
      collection(region, op, 'UnauthorizedOperation', `You are not authorized to perform this operation. User: arn:aws:iam::111122223333:user/x is not authorized to perform: ec2:${op}`, 'grant …');
    const { causes } = groupErrors([denied('DescribeVpcs'), denied('DescribeFlowLogs'), denied('DescribeVpcs', 'eu-west-1'), denied('GetManagedPrefixListEntries')]);
    assert.equal(causes.length, 1);
    assert.match(causes[0]?.hint ?? '', /^grant ec2:DescribeVpcs, ec2:DescribeFlowLogs and ec2:GetManagedPrefixListEntries to this identity .*Get\* action/);
  });

  test('prefix lists or VPCs named in messages do not split a cause; different causes stay apart', () => {
    const { causes } = groupErrors([
      collection('us-east-1', 'GetManagedPrefixListEntries', 'UnauthorizedOperation', 'denied (prefix list pl-0123456789abcdef0)'),
      collection('eu-west-1', 'GetManagedPrefixListEntries', 'UnauthorizedOperation', 'denied (prefix list pl-0fedcba9876543210)'),
      collection('us-east-1', 'DescribeVpcs', 'RequestLimitExceeded', 'Request limit exceeded.', 'EC2 kept throttling'),
    ]);
    assert.deepEqual(causes.map((c) => [c.code, c.count]), [['UnauthorizedOperation', 2], ['RequestLimitExceeded', 1]]);
    assert.equal(causes[1]?.hint, 'EC2 kept throttling');
  });

  test('a role that cannot be assumed in several accounts is one cause naming them, with its own hint', () => {
    const cannot = (account: string) =>
      collection('us-east-1', 'AssumeRole', 'AccessDenied', `could not assume arn:aws:iam::${account}:role/SgAudit: not authorized to perform: sts:AssumeRole`, 'check that the role exists', account);
    const { causes } = groupErrors([cannot('111111111111'), cannot('222222222222'), cannot('333333333333'), cannot('444444444444')]);
    assert.equal(causes.length, 1);
    assert.equal(causes[0]?.hint, 'check that the role exists');
    assert.match(causeLine(causes[0]!), /AssumeRole in 4 accounts \(111111111111, 222222222222, 333333333333 and 1 more\) us-east-1/);
  });

  test('a rule that threw is its own cause, named with the resource', () => {
    const { causes } = groupErrors([{ kind: 'rule', accountId: 'a', region: 'r', ruleId: 'unused-sg', resourceId: 'sg-1', code: 'RuleError', message: 'boom' }]);
    assert.equal(causeLine(causes[0]!), 'RuleError: boom · rule unused-sg on sg-1 in a r');
  });
});
