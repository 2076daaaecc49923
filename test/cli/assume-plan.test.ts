// --role-arn, --accounts and --external-id: checked before any call, one line each when wrong.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assumePlan } from '../../src/cli/main.js';
import { isSgAuditError } from '../../src/errors.js';
import { runMain } from '../helpers/cli.js';

const TEMPLATE = 'arn:aws:iam::{account}:role/SgAudit';

describe('assumePlan', () => {
  test('no role: no plan', () => assert.equal(assumePlan({}), undefined));

  test('one role in its own account; a template over listed accounts; the organization', () => {
    assert.deepEqual(assumePlan({ roleArn: 'arn:aws:iam::123456789012:role/SgAudit' }), { roleArn: 'arn:aws:iam::123456789012:role/SgAudit', accounts: [] });
    assert.deepEqual(assumePlan({ roleArn: TEMPLATE, accounts: ['111122223333', '444455556666'], externalId: 'x' }), {
      roleArn: TEMPLATE,
      accounts: ['111122223333', '444455556666'],
      externalId: 'x',
    });
    assert.deepEqual(assumePlan({ roleArn: TEMPLATE, accounts: ['organization'] }), { roleArn: TEMPLATE, accounts: 'organization' });
    assert.deepEqual(assumePlan({ roleArn: 'arn:aws-us-gov:iam::{account}:role/path/SgAudit', accounts: ['111122223333'] })?.accounts, ['111122223333']);
  });

  const refused: [string, Parameters<typeof assumePlan>[0], RegExp][] = [
    ['--accounts without a role', { accounts: ['111122223333'] }, /--accounts needs --role-arn/],
    ['--external-id without a role', { externalId: 'x' }, /--external-id needs --role-arn/],
    ['not a role ARN', { roleArn: 'arn:aws:iam::123:user/x' }, /is not a role ARN/],
    ['a template without accounts', { roleArn: TEMPLATE }, /"\{account\}" needs --accounts/],
    ['accounts without a template', { roleArn: 'arn:aws:iam::123456789012:role/SgAudit', accounts: ['111122223333'] }, /--accounts needs "\{account\}" in --role-arn/],
    ['a malformed account id', { roleArn: TEMPLATE, accounts: ['11112222333'] }, /--accounts 11112222333 is not a 12-digit account id/],
    ['organization beside ids', { roleArn: TEMPLATE, accounts: ['organization', '111122223333'] }, /--accounts organization is not a 12-digit account id/],
  ];
  for (const [name, flags, expected] of refused) {
    test(`refused: ${name}`, () => {
      assert.throws(() => assumePlan(flags), (error: unknown) => isSgAuditError(error) && error.exitCode === 2 && expected.test(error.message));
    });
  }

  test('the CLI: a bad combination is exit 2 with one line, before any credentials are looked for', async () => {
    const { code, stdout, stderr } = await runMain(['--role-arn', TEMPLATE, '--region', 'us-east-1']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^sg-audit: error: --role-arn arn:aws:iam::\{account\}:role\/SgAudit names no account: .* — add --accounts/);
    const offline = await runMain(['--input', 'examples/demo-account', '--role-arn', TEMPLATE]);
    assert.equal(offline.code, 2);
    assert.match(offline.stderr, /--input audits saved files; --profile, --endpoint-url, --role-arn and --accounts are for live audits/);
  });
});
