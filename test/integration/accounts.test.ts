// Many accounts in one run, through the real SDK against the fake endpoint (EC2, STS and
// Organizations): a role assumed in each account through the home region's STS endpoint, the
// organization's active accounts from ListAccounts, and an account whose role cannot be assumed
// reported by name while the others are audited.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectLive, type LivePlan } from '../../src/collect/live.js';
import type { RetryPolicy } from '../../src/collect/retry.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import type { AuditReport } from '../../src/report/types.js';
import { fakeAwsHome, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type AccountFixture, type FakeEc2, type RegionFixture } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';

const MANAGEMENT = '111111111111';
const MEMBER = '222222222222';
const NO_ROLE = '333333333333';
const SUSPENDED = '444444444444';
const ROLE = 'arn:aws:iam::{account}:role/SgAuditRole';
const EXTERNAL_ID = 'sg-audit-ext-1';

const FAST: RetryPolicy = { maxAttempts: 5, maxTransientAttempts: 2, baseDelayMs: 1, maxDelayMs: 5, deadlineMs: 5_000, paceMinMs: 1, paceMaxMs: 5 };

/** The acceptance fixture, owned by `accountId` (its ids made unique per account with `prefix`). */
function regionOf(accountId: string, region: string, prefix: string): RegionFixture {
  return JSON.parse(JSON.stringify(acceptanceRegion(region, prefix)).replaceAll(ACCOUNT_ID, accountId)) as RegionFixture;
}

function account(accountId: string, regions: Record<string, RegionFixture>, withRole = true): AccountFixture {
  return {
    accountId,
    accessKeyId: `AKIDFAKE${accountId}`,
    secretAccessKey: `secret-${accountId}`,
    regions,
    ...(withRole ? { roles: { SgAuditRole: { trusts: [MANAGEMENT], externalId: EXTERNAL_ID } } } : {}),
  };
}

let fake: FakeEc2;

before(async () => {
  useFakeAwsProfile(`AKIDFAKE${MANAGEMENT}`, `secret-${MANAGEMENT}`);
  fake = await startFakeEc2({
    accounts: [
      account(MANAGEMENT, { 'us-east-1': regionOf(MANAGEMENT, 'us-east-1', 'c') }),
      account(MEMBER, { 'us-east-1': regionOf(MEMBER, 'us-east-1', 'd'), 'eu-west-1': regionOf(MEMBER, 'eu-west-1', 'e') }),
      account(NO_ROLE, { 'us-east-1': regionOf(NO_ROLE, 'us-east-1', 'f') }, false),
      account(SUSPENDED, { 'us-east-1': regionOf(SUSPENDED, 'us-east-1', '9') }),
    ],
    organization: {
      managementAccountId: MANAGEMENT,
      accounts: [
        { Id: MEMBER, Name: 'member', Status: 'ACTIVE' },
        { Id: MANAGEMENT, Name: 'management', Status: 'ACTIVE' },
        { Id: NO_ROLE, Name: 'no role', Status: 'ACTIVE' },
        { Id: SUSPENDED, Name: 'suspended', Status: 'SUSPENDED' },
      ],
    },
    maxPageSize: 2,
  });
});

after(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

function collect(extra: Partial<LivePlan>): Promise<RawSnapshot> {
  return collectLive({ regions: ['us-east-1', 'eu-west-1'], kinds: ['securityGroups'], profile: 'fake', endpointUrl: fake.url, retry: FAST, ...extra });
}

const scopeSummary = (snapshot: RawSnapshot) =>
  snapshot.scopes
    .map((s) => {
      const groups = s.kinds.securityGroups;
      return `${s.accountId} ${s.region} ${groups?.status === 'ok' ? `${groups.parts.flatMap((p) => p.items).length} groups` : groups?.error.code}`;
    })
    .sort();

describe('many accounts (fake EC2, STS and Organizations)', () => {
  test('--accounts with a role template: each account audited with its own role, over the regional STS endpoint', async () => {
    const start = fake.requests.length;
    const snapshot = await collect({ assume: { roleArn: ROLE, accounts: [MEMBER, MANAGEMENT], externalId: EXTERNAL_ID } });
    const usEast = regionOf(MEMBER, 'us-east-1', 'd').securityGroups?.length;
    const euWest = regionOf(MEMBER, 'eu-west-1', 'e').securityGroups?.length;
    assert.deepEqual(scopeSummary(snapshot), [
      `${MANAGEMENT} eu-west-1 AuthFailure`, // not enabled in that account
      `${MANAGEMENT} us-east-1 ${usEast} groups`,
      `${MEMBER} eu-west-1 ${euWest} groups`,
      `${MEMBER} us-east-1 ${usEast} groups`,
    ]);
    const made = fake.requests.slice(start);
    const assumed = made.filter((r) => r.action === 'AssumeRole');
    assert.deepEqual(assumed.map((r) => r.params['RoleArn']).sort(), [`arn:aws:iam::${MANAGEMENT}:role/SgAuditRole`, `arn:aws:iam::${MEMBER}:role/SgAuditRole`]);
    assert.ok(assumed.every((r) => r.region === 'us-east-1' && r.params['ExternalId'] === EXTERNAL_ID && r.params['RoleSessionName'] === 'sg-audit'));
    // Every EC2 call was signed with the credentials of the account it read.
    const ec2 = made.filter((r) => r.service === 'ec2' && r.status === 200);
    assert.ok(ec2.length > 0);
    assert.deepEqual([...new Set(ec2.map((r) => r.accountId))].sort(), [MANAGEMENT, MEMBER]);
  });

  test('--accounts organization: the active accounts from ListAccounts; one whose role cannot be assumed is reported, the rest audited', async () => {
    const snapshot = await collect({ regions: ['us-east-1'], assume: { roleArn: ROLE, accounts: 'organization', externalId: EXTERNAL_ID } });
    const summary = scopeSummary(snapshot);
    assert.deepEqual(
      summary.map((line) => line.replace(/\d+ groups$/, 'ok')),
      [`${MANAGEMENT} us-east-1 ok`, `${MEMBER} us-east-1 ok`, `${NO_ROLE} us-east-1 AccessDenied`],
    );
    const denied = snapshot.scopes.find((s) => s.accountId === NO_ROLE)?.kinds.securityGroups;
    assert.equal(denied?.status, 'error');
    if (denied?.status === 'error') {
      assert.equal(denied.error.operation, 'AssumeRole');
      assert.match(denied.error.message, /could not assume arn:aws:iam::333333333333:role\/SgAuditRole/);
      assert.match(denied.error.hint ?? '', /trusts the caller/);
    }
  });

  test('a wrong external id is refused for every account: each reported, nothing audited', async () => {
    const snapshot = await collect({ regions: ['us-east-1'], assume: { roleArn: ROLE, accounts: [MEMBER, MANAGEMENT], externalId: 'wrong' } });
    assert.deepEqual(scopeSummary(snapshot), [`${MANAGEMENT} us-east-1 AccessDenied`, `${MEMBER} us-east-1 AccessDenied`]);
  });

  test('--region all: each account lists its own enabled regions', async () => {
    const snapshot = await collect({ regions: ['all'], assume: { roleArn: ROLE, accounts: [MEMBER, MANAGEMENT], externalId: EXTERNAL_ID } });
    assert.deepEqual(
      snapshot.scopes.map((s) => `${s.accountId} ${s.region}`).sort(),
      [`${MANAGEMENT} us-east-1`, `${MEMBER} eu-west-1`, `${MEMBER} us-east-1`],
    );
  });

  test('the CLI: --role-arn with --accounts audits both accounts, lists them in the report, and exits 3 for the account it could not reach', async () => {
    const { code, stdout, stderr } = await runMain([
      '--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1',
      '--role-arn', ROLE, '--accounts', MEMBER, MANAGEMENT, NO_ROLE, '--external-id', EXTERNAL_ID,
      '--rule', 'ssh-open-to-internet', '--format', 'json',
    ]);
    assert.equal(code, 3, stderr);
    const report = JSON.parse(stdout) as AuditReport;
    assert.deepEqual(report.run.accounts, [MANAGEMENT, MEMBER, NO_ROLE]);
    assert.deepEqual([...new Set(report.findings.map((f) => f.resource.accountId))].sort(), [MANAGEMENT, MEMBER]);
    // One collection error for the account (not one per data kind), and the rule it left unevaluated.
    assert.deepEqual(
      report.errors.map((e) => [e.kind, e.accountId, e.region, e.operation ?? e.ruleId, e.code]),
      [
        ['collection', NO_ROLE, 'us-east-1', 'AssumeRole', 'AccessDenied'],
        ['rule', NO_ROLE, 'us-east-1', 'ssh-open-to-internet', 'IncompleteData'],
      ],
    );
    assert.match(stderr, /^sg-audit: error: AccessDenied: could not assume arn:aws:iam::\d{12}:role\/\S+: .* · AssumeRole in \d{12} us-east-1 — check that the role exists/m);
    assert.match(stderr, /^sg-audit: error: rule ssh-open-to-internet not evaluated in \d{12} us-east-1/m);
  });

  test('the CLI: --accounts organization from an account that is not the management account is one clear error, exit 3', async () => {
    const home = fakeAwsHome(`AKIDFAKE${MEMBER}`, `secret-${MEMBER}`);
    const previous = { ...process.env };
    Object.assign(process.env, { AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'), AWS_CONFIG_FILE: join(home, '.aws', 'config') });
    try {
      const { code, stdout, stderr } = await runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--role-arn', ROLE, '--accounts', 'organization']);
      assert.equal(code, 3);
      assert.equal(stdout, '');
      assert.match(stderr, /^sg-audit: error: could not list the organization's accounts \(AccessDeniedException: .*\) — run from the management account/);
      assert.equal(stderr.split('\n').filter(Boolean).length, 1);
    } finally {
      process.env['AWS_SHARED_CREDENTIALS_FILE'] = previous['AWS_SHARED_CREDENTIALS_FILE'];
      process.env['AWS_CONFIG_FILE'] = previous['AWS_CONFIG_FILE'];
    }
  });
});
