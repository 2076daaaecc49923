// AWS misbehaving, through the real SDK against the fake endpoint: heavy throttling, a disabled
// region, slow answers, 5xx, garbled bodies. The collector must end with the same data as a
// clean run, or name what it could not collect — never a shorter list. Retries run on a fast
// policy here (milliseconds, not seconds); the policy's shape is the production one.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { collectLive, type LivePlan } from '../../src/collect/live.js';
import type { RetryPolicy } from '../../src/collect/retry.js';
import { serializeSnapshot } from '../../src/collect/snapshot.js';
import type { RawSnapshot } from '../../src/collect/types.js';
import { DATA_KINDS } from '../../src/model/kinds.js';
import type { AuditReport } from '../../src/report/types.js';
import { runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type Fault, type FakeEc2, type FaultContext } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, acceptanceRegion } from '../fixtures/acceptance-account.js';

const KEY = 'AKIDFAKEFAULTS000001';
const SECRET = 'fake-secret-for-fault-tests';

const FAST: RetryPolicy = {
  maxAttempts: 12,
  maxTransientAttempts: 4,
  baseDelayMs: 2,
  maxDelayMs: 20,
  deadlineMs: 20_000,
  paceMinMs: 1,
  paceMaxMs: 5,
};

let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;
let fake: FakeEc2;

before(async () => {
  useFakeAwsProfile(KEY, SECRET);
  fake = await startFakeEc2({
    accounts: [
      {
        accountId: ACCOUNT_ID,
        accessKeyId: KEY,
        secretAccessKey: SECRET,
        regions: { 'us-east-1': acceptanceRegion('us-east-1', 'a'), 'eu-west-1': acceptanceRegion('eu-west-1', 'b') },
      },
    ],
    // Two items a page: every call spans several pages, so a fault can land mid-sequence.
    maxPageSize: 2,
    fault: (ctx) => fault?.(ctx),
  });
});

after(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

function collect(extra: Partial<LivePlan> = {}): Promise<RawSnapshot> {
  return collectLive({
    regions: ['us-east-1', 'eu-west-1'],
    kinds: DATA_KINDS,
    profile: 'fake',
    endpointUrl: fake.url,
    retry: FAST,
    requestTimeoutMs: 2_000,
    ...extra,
  });
}

/** The audit of a collected snapshot, as `sg-audit --input` reports it. */
async function auditOf(snapshot: RawSnapshot): Promise<AuditReport> {
  const file = join(mkdtempSync(join(tmpdir(), 'sg-audit-faults-')), 'snapshot.json');
  writeFileSync(file, serializeSnapshot(snapshot, { version: 'test', collectedAt: '2026-01-02T03:04:05.000Z' }));
  const { stdout } = await runMain(['--input', file, '--format', 'json']);
  return JSON.parse(stdout) as AuditReport;
}

const fingerprints = (report: AuditReport) => report.findings.map((f) => f.fingerprint);

/** A stable coin per request and attempt (page tokens are random, so the page number stands in): the same faults on every run. */
function coin(ctx: FaultContext): number {
  const { NextToken: _token, ...params } = ctx.params;
  const digest = createHash('sha256').update(JSON.stringify([ctx.action, ctx.region, params, ctx.page, ctx.attempt])).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}

function errorsOf(snapshot: RawSnapshot): string[] {
  return snapshot.scopes.flatMap((scope) =>
    Object.values(scope.kinds).flatMap((r) => (r?.status === 'error' ? [`${scope.region} ${r.error.operation} ${r.error.code}`] : [])),
  );
}

let clean: AuditReport;

describe('faults (fake EC2 endpoint, real SDK)', () => {
  test('a clean run: every kind collected in both regions', async () => {
    fault = undefined;
    const snapshot = await collect();
    assert.deepEqual(errorsOf(snapshot), []);
    clean = await auditOf(snapshot);
    assert.ok(clean.findings.length > 10);
    assert.deepEqual(clean.errors, []);
  });

  test('two collection threads collect exactly what one does', async () => {
    fault = undefined;
    const one = await collect({ threads: 1 });
    const two = await collect({ threads: 2 });
    assert.deepEqual(two, one);
    assert.deepEqual(fingerprints(await auditOf(two)), fingerprints(clean));
  });

  test('30% of requests throttled: the same findings as the clean run, though some requests needed more than 3 attempts', async () => {
    const before = fake.requests.length;
    fault = (ctx) => (coin(ctx) < 0.3 ? { kind: 'throttle' } : undefined);
    const snapshot = await collect();
    fault = undefined;
    const made = fake.requests.slice(before);
    const throttled = made.filter((r) => r.status === 400).length;
    assert.ok(throttled > made.length * 0.2, `${throttled} of ${made.length} throttled`);
    assert.deepEqual(errorsOf(snapshot), []);
    assert.deepEqual(fingerprints(await auditOf(snapshot)), fingerprints(clean));
    // The SDK's default (3 attempts) would have failed these: they were throttled 3 times in a row.
    const attemptsByRequest = new Map<string, number>();
    for (const r of made) {
      const key = JSON.stringify([r.region, r.action, r.params]);
      attemptsByRequest.set(key, (attemptsByRequest.get(key) ?? 0) + 1);
    }
    assert.ok([...attemptsByRequest.values()].some((n) => n > 3), 'some request took more than 3 attempts');
  });

  test('a disabled region (AuthFailure) is reported by name with the cause and a hint; the other is audited', async () => {
    fault = undefined;
    const snapshot = await collect({ regions: ['us-east-1', 'ap-south-2'] });
    const disabled = snapshot.scopes.find((s) => s.region === 'ap-south-2');
    const kinds = Object.values(disabled?.kinds ?? {});
    // The per-id kinds follow from the groups: not collected, citing the groups' AuthFailure.
    assert.ok(kinds.length > 0 && kinds.every((r) => r?.status === 'error' && (r.error.code === 'AuthFailure' || /\(AuthFailure\)/.test(r.error.message))));
    const first = disabled?.kinds.securityGroups;
    assert.match(first?.status === 'error' ? (first.error.hint ?? '') : '', /region is not enabled/);
    const us = snapshot.scopes.find((s) => s.region === 'us-east-1');
    assert.ok(Object.values(us?.kinds ?? {}).every((r) => r?.status === 'ok'));
    const report = await auditOf(snapshot);
    assert.equal(report.summary.status, 'incomplete');
    assert.deepEqual(fingerprints(report), clean.findings.filter((f) => f.resource.region === 'us-east-1').map((f) => f.fingerprint));
  });

  test('slow answers past the request timeout are retried; the data is whole', async () => {
    // Timeouts with room to spare: on a loaded machine a healthy answer can take a few hundred ms.
    fault = (ctx) => (ctx.action === 'DescribeSecurityGroups' && ctx.attempt === 0 ? { kind: 'delay', ms: 3000 } : undefined);
    const snapshot = await collect({ requestTimeoutMs: 1000 });
    fault = undefined;
    assert.deepEqual(errorsOf(snapshot), []);
    assert.deepEqual(fingerprints(await auditOf(snapshot)), fingerprints(clean));
  });

  test('an endpoint that never answers in time: a TimeoutError for that call, with a hint, after a bounded number of attempts', async () => {
    const before = fake.requests.length;
    fault = (ctx) => (ctx.action === 'DescribeVpcs' && ctx.region === 'eu-west-1' ? { kind: 'delay', ms: 2000 } : undefined);
    const snapshot = await collect({ requestTimeoutMs: 600, kinds: ['securityGroups', 'vpcs'] });
    fault = undefined;
    assert.deepEqual(errorsOf(snapshot), ['eu-west-1 DescribeVpcs TimeoutError']);
    const vpcs = snapshot.scopes.find((s) => s.region === 'eu-west-1')?.kinds.vpcs;
    assert.match(vpcs?.status === 'error' ? (vpcs.error.hint ?? '') : '', /did not answer in time/);
    const tries = fake.requests.slice(before).filter((r) => r.action === 'DescribeVpcs' && r.region === 'eu-west-1').length;
    assert.equal(tries, FAST.maxTransientAttempts);
  });

  test('500s, then success: retried page by page; the data is whole', async () => {
    fault = (ctx) => (ctx.attempt < 2 && ctx.page % 2 === 1 ? { kind: 'error', status: 500, code: 'InternalError' } : undefined);
    const snapshot = await collect();
    fault = undefined;
    assert.deepEqual(errorsOf(snapshot), []);
    assert.deepEqual(fingerprints(await auditOf(snapshot)), fingerprints(clean));
  });

  test('truncated and malformed bodies are retried (the SDK does not); the data is whole', async () => {
    fault = (ctx) =>
      ctx.attempt === 0 && ctx.page === 1 ? { kind: ctx.region === 'us-east-1' ? 'truncated' : 'malformed' } : undefined;
    const snapshot = await collect();
    fault = undefined;
    assert.deepEqual(errorsOf(snapshot), []);
    assert.deepEqual(fingerprints(await auditOf(snapshot)), fingerprints(clean));
  });

  test('a body that stays garbled: MalformedResponse for that call after a bounded number of attempts, the rest audited', async () => {
    const before = fake.requests.length;
    fault = (ctx) => (ctx.action === 'DescribeSecurityGroupRules' && ctx.region === 'us-east-1' && ctx.page === 1 ? { kind: 'truncated' } : undefined);
    const snapshot = await collect();
    fault = undefined;
    assert.deepEqual(errorsOf(snapshot), ['us-east-1 DescribeSecurityGroupRules MalformedResponse']);
    const tries = fake.requests.slice(before).filter((r) => r.action === 'DescribeSecurityGroupRules' && r.region === 'us-east-1' && r.params['NextToken']);
    assert.equal(tries.length, FAST.maxTransientAttempts, 'page 2 was tried maxTransientAttempts times, then reported');
    const report = await auditOf(snapshot);
    assert.equal(report.summary.status, 'incomplete');
  });
});
