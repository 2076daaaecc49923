// Live audits through the real AWS SDK against the fake EC2 endpoint on 127.0.0.1: pagination,
// retries, signing and errors are exercised for real, and the findings must equal those of the
// same account saved as `aws ec2 describe-*` JSON — for the whole registered catalog.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { collectLive, type ProgressEvent } from '../../src/collect/live.js';
import type { RawKindResult } from '../../src/collect/types.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from '../../src/model/kinds.js';
import { EXPOSURE_CONTEXT_KINDS } from '../../src/model/exposure-context.js';
import type { AuditReport } from '../../src/report/types.js';
import { main } from '../../src/cli/main.js';
import { normalize } from '../../src/model/normalize.js';
import { fakeAwsHome, runBin, runMain, useFakeAwsProfile } from '../helpers/cli.js';
import { startFakeEc2, type Fault, type FakeEc2, type FaultContext, type RecordedRequest } from '../helpers/fake-ec2.js';
import { ACCOUNT_ID, EXPECTED_FINDINGS, EXPECTED_RULES, acceptanceRegion, writeCliFiles } from '../fixtures/acceptance-account.js';

const KEY = 'AKIDFAKEFAKEFAKE0001';
const SECRET = 'fake-secret-for-tests-only';
const REGIONS = { 'us-east-1': acceptanceRegion('us-east-1', 'a'), 'eu-west-1': acceptanceRegion('eu-west-1', 'b') };
const US = REGIONS['us-east-1'];

let fault: ((ctx: FaultContext) => Fault | undefined) | undefined;
let fake: FakeEc2;

before(async () => {
  useFakeAwsProfile(KEY, SECRET);
  fake = await startFakeEc2({
    accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: REGIONS }],
    // One item a page: every list call the audit makes spans several pages.
    maxPageSize: 1,
    fault: (ctx) => fault?.(ctx),
  });
});

after(async () => {
  await fake.close();
  // Over every test in this file: sg-audit never asked for a mutating action.
  assert.deepEqual(fake.violations, []);
});

const live = (...extra: string[]) =>
  runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--format', 'json', ...extra]);

/** Only the rules EXPECTED_FINDINGS speaks for. */
const expectedRules = EXPECTED_RULES.flatMap((id) => ['--rule', id]);

/** Offline findings also name the file each resource was read from; live ones cannot. */
function withoutOrigins(findings: AuditReport['findings']): AuditReport['findings'] {
  return findings.map(({ resource: { origin, ...resource }, ...finding }) => (void origin, { ...finding, resource }));
}

function summarize(report: AuditReport): string[] {
  return report.findings
    .map((f) => `${f.resource.region} ${f.ruleId} ${f.resource.name} ${f.key.startsWith('vpc/') ? 'vpc/' : f.key}`)
    .sort();
}

const expectedIn = (regions: readonly string[]) =>
  regions.flatMap((region) => EXPECTED_FINDINGS.map((f) => `${region} ${f.replace(/^(\S+) (\S+) (\S+)$/, '$1 $2 $3')}`)).sort();

function reset(): void {
  fault = undefined;
  fake.requests.length = 0;
}

const inRegion = (region: string, action: string, requests: readonly RecordedRequest[] = fake.requests): RecordedRequest[] =>
  requests.filter((r) => r.action === action && r.region === region);

/** The ids a per-id call was made for (first pages only), sorted. */
const perIdParams = (requests: readonly RecordedRequest[], region: string, action: string, param: string): string[] =>
  inRegion(region, action, requests).filter((r) => r.params['NextToken'] === undefined).map((r) => r.params[param] ?? '').sort();

const groupsOf = (fixture: typeof US) => fixture.securityGroups ?? [];
const prefixListIdsIn = (fixture: typeof US): string[] =>
  [...new Set(groupsOf(fixture).flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])])
    .flatMap((p) => (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? '')))].sort();

/** The operation of each data kind, and every operation the full catalog needs. */
const operationOf = (kind: DataKind) => DATA_KIND_INFO[kind].operation;
const operationsFor = (kinds: readonly DataKind[]) => [...new Set(kinds.map(operationOf))].sort();
const kindsOfRule = (id: string): DataKind[] => {
  const rule = RULES.find((r) => r.meta.id === id);
  assert.ok(rule, `${id} is registered`);
  const scopeKind: Record<string, DataKind> = { 'security-group': 'securityGroups', 'network-acl': 'networkAcls', vpc: 'vpcs', 'network-interface': 'networkInterfaces' };
  return [...new Set<DataKind>(['securityGroups', scopeKind[rule.meta.scope] as DataKind, ...rule.meta.requires, ...(rule.meta.uses ?? [])])];
};

// The full catalog's live report, shared by the tests that compare against it.
let fullLive: Promise<{ report: AuditReport; requests: RecordedRequest[] }> | undefined;
function fullCatalogLive(): Promise<{ report: AuditReport; requests: RecordedRequest[] }> {
  fullLive ??= (async () => {
    reset();
    const { code, stdout, stderr } = await live();
    assert.equal(stderr, '');
    assert.equal(code, 1);
    return { report: JSON.parse(stdout) as AuditReport, requests: [...fake.requests] };
  })();
  return fullLive;
}

describe('live audit over the fake EC2 endpoint', () => {
  test('finds exactly what RULES.md defines, in both regions, reading every page', async () => {
    reset();
    const { code, stdout, stderr } = await live(...expectedRules);
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as AuditReport;
    assert.deepEqual(summarize(report), expectedIn(['eu-west-1', 'us-east-1']));
    assert.deepEqual(report.run.accounts, [ACCOUNT_ID]);
    assert.deepEqual(report.run.regions, ['eu-west-1', 'us-east-1']);
    assert.equal(report.summary.securityGroups, 36);
    // One item a page: 18 groups, 19 interfaces, 4 reservations per region, each page requested once.
    const pages = (action: string) => inRegion('us-east-1', action);
    assert.equal(pages('DescribeSecurityGroups').length, 18);
    assert.equal(pages('DescribeNetworkInterfaces').length, 19);
    assert.equal(pages('DescribeInstances').length, 4);
    for (const action of ['DescribeSecurityGroups', 'DescribeNetworkInterfaces', 'DescribeInstances']) {
      assert.ok(pages(action).length >= 3, `${action} spans at least three pages`);
      assert.ok(pages(action).every((r) => r.params['MaxResults'] === '1000'), `${action} asks for the largest page size`);
    }
    // SSH is open through the customer prefix list holding 0.0.0.0/0: resolved live, and named by its sgr- id.
    const viaList = report.findings.find((f) => f.resource.name === 'ssh-via-prefix-list' && f.resource.region === 'us-east-1');
    const ruleId = US.securityGroupRules?.find((r) => r.GroupId === viaList?.resource.id && r.PrefixListId)?.SecurityGroupRuleId;
    assert.ok(ruleId?.startsWith('sgr-'));
    assert.ok(JSON.stringify(viaList?.evidence).includes(ruleId ?? 'sgr-'), 'the finding names the sgr- id of the rule');
    assert.deepEqual(fake.violations, []);
  });

  test('full catalog: every data kind is read over several pages, per-id calls only where they can matter', async () => {
    const { report, requests } = await fullCatalogLive();
    assert.deepEqual(report.errors, []);
    assert.deepEqual(report.skipped, []);
    assert.deepEqual(report.rules.map((r) => r.id).sort(), RULES.map((r) => r.meta.id).sort(), 'every registered rule ran');
    const needed = DATA_KINDS.filter((k) => RULES.some((r) => kindsOfRule(r.meta.id).includes(k)));
    assert.deepEqual([...new Set(requests.map((r) => r.action))].sort(), operationsFor(needed), 'exactly the kinds the catalog reads');
    for (const region of Object.keys(REGIONS)) {
      for (const kind of needed) {
        const { operation, pageSize, perItemOf } = DATA_KIND_INFO[kind];
        const made = inRegion(region, operation, requests);
        if (!perItemOf) assert.ok(made.length >= 2, `${region} ${operation} spans several pages (${made.length})`);
        assert.ok(made.every((r) => r.params['MaxResults'] === String(pageSize)), `${operation} asks for MaxResults ${pageSize}`);
        assert.ok(made.every((r) => r.status === 200));
      }
    }
    // Entries only for the lists the groups reference (a customer list, an AWS-managed one), not the unused third.
    const fixtureLists = (US.managedPrefixLists ?? []).map((p) => p.PrefixListId ?? '');
    const referenced = prefixListIdsIn(US);
    assert.equal(referenced.length, 2);
    assert.equal(fixtureLists.length, 3);
    assert.deepEqual(perIdParams(requests, 'us-east-1', 'GetManagedPrefixListEntries', 'PrefixListId'), referenced);
    // Every page of each list: 3 + 2 entries at one a page.
    assert.equal(inRegion('us-east-1', 'GetManagedPrefixListEntries', requests).length, 5);
    // Stale groups only for the app VPC, whose db-peer group references groups outside it; the
    // first VPC's references (bastion, self) all resolve to its own groups.
    const appVpc = groupsOf(US).find((g) => g.GroupName === 'db-peer')?.VpcId ?? '';
    assert.deepEqual(perIdParams(requests, 'us-east-1', 'DescribeStaleSecurityGroups', 'VpcId'), [appVpc]);
    assert.deepEqual(perIdParams(requests, 'eu-west-1', 'DescribeStaleSecurityGroups', 'VpcId'), [appVpc.replace('vpc-a', 'vpc-b')]);
    // The stale references are reported through DescribeStaleSecurityGroups.
    const stale = report.findings.filter((f) => f.ruleId === 'stale-sg-reference' && f.resource.region === 'us-east-1');
    if (RULES.some((r) => r.meta.id === 'stale-sg-reference')) {
      assert.deepEqual(stale.map((f) => f.resource.name), ['db-peer']);
      assert.match(stale[0]?.message ?? '', /DescribeStaleSecurityGroups/);
    }
    assert.deepEqual(fake.violations, []);
  });

  test('the same account saved as CLI JSON gives the same findings offline, for the full catalog', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-acceptance-'));
    for (const [region, fixture] of Object.entries(REGIONS)) writeCliFiles(join(dir, region), fixture);
    const offline = await runMain(['--input', dir, '--format', 'json']);
    assert.equal(offline.code, 1, offline.stderr);
    assert.equal(offline.stderr, '');
    const offlineReport = JSON.parse(offline.stdout) as AuditReport;
    // Every file a rule can read is there: nothing skipped, nothing failed.
    assert.deepEqual(offlineReport.skipped, []);
    assert.deepEqual(offlineReport.errors, []);
    const { report } = await fullCatalogLive();
    assert.deepEqual(summarize(offlineReport), summarize(report));
    // Not only the same rows: the same findings, message, evidence and fingerprint included.
    assert.deepEqual(withoutOrigins(offlineReport.findings), report.findings);
    assert.deepEqual(offlineReport.summary, report.summary);
  });

  test('a throttled page is retried and the findings do not change', async () => {
    reset();
    fault = (ctx) => (ctx.action === 'DescribeSecurityGroups' && ctx.page === 1 && ctx.attempt === 0 ? { kind: 'throttle' } : undefined);
    const { code, stdout, stderr } = await live(...expectedRules);
    assert.equal(code, 1, stderr);
    assert.deepEqual(summarize(JSON.parse(stdout) as AuditReport), expectedIn(['eu-west-1', 'us-east-1']));
    const sgCalls = inRegion('us-east-1', 'DescribeSecurityGroups');
    assert.equal(sgCalls.length, 19, 'eighteen pages plus one retry');
    assert.equal(sgCalls.filter((r) => r.status === 400).length, 1);
  });

  test('a per-id page that fails once (500) is retried, and the list is whole', async () => {
    reset();
    // A 500 rather than a throttle: the SDK backs off 5x less, and the retry path is the same.
    fault = (ctx) =>
      ctx.action === 'GetManagedPrefixListEntries' && ctx.page === 1 && ctx.attempt === 0 ? { kind: 'error', status: 500, code: 'InternalError' } : undefined;
    const { code, stdout, stderr } = await live('--rule', 'ssh-open-to-internet');
    assert.equal(code, 1, stderr);
    assert.equal(stderr, '');
    assert.ok(summarize(JSON.parse(stdout) as AuditReport).includes('us-east-1 ssh-open-to-internet ssh-via-prefix-list tcp/22@ipv4'));
    // Both lists' second page failed once: 5 pages + 2 retries.
    assert.equal(inRegion('us-east-1', 'GetManagedPrefixListEntries').length, 7);
  });

  test('access denied in one of two regions: that region is reported, the other audited, exit 3', async () => {
    reset();
    fault = (ctx) =>
      ctx.region === 'eu-west-1' && ctx.action === 'DescribeNetworkInterfaces'
        ? { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation. Encoded authorization failure message: AbC123xyz' }
        : undefined;
    const { code, stdout, stderr } = await live();
    assert.equal(code, 3);
    const report = JSON.parse(stdout) as AuditReport;
    assert.equal(report.summary.status, 'incomplete');
    const collection = report.errors.filter((e) => e.kind === 'collection');
    assert.deepEqual(
      collection.map((e) => [e.region, e.operation, e.code]),
      [['eu-west-1', 'DescribeNetworkInterfaces', 'UnauthorizedOperation']],
    );
    assert.ok(!collection[0]?.message.includes('AbC123xyz'), 'the encoded blob is left out');
    // Rules that need interfaces are errors in eu-west-1, never passes.
    const needInterfaces = RULES.filter((r) => r.meta.requires.includes('networkInterfaces')).map((r) => r.meta.id);
    assert.ok(needInterfaces.includes('unused-sg') && needInterfaces.includes('default-sg-in-use'));
    const ruleErrors = [...new Set(report.errors.filter((e) => e.kind === 'rule').map((e) => `${e.region} ${e.ruleId}`))].sort();
    assert.deepEqual(ruleErrors, needInterfaces.map((id) => `eu-west-1 ${id}`).sort());
    // us-east-1 is complete; eu-west-1 still has the findings of rules that did not need interfaces.
    const found = summarize(report);
    const expectedOnly = found.filter((f) => EXPECTED_RULES.includes(f.split(' ')[1] ?? ''));
    assert.deepEqual(expectedOnly.filter((f) => f.startsWith('us-east-1')), expectedIn(['us-east-1']));
    assert.ok(!found.some((f) => needInterfaces.some((id) => f.startsWith(`eu-west-1 ${id} `))));
    assert.ok(found.includes('eu-west-1 ssh-open-to-internet ssh-ipv6-only tcp/22@ipv6'));
    // One line for the cause, one for the rules it left unevaluated.
    assert.match(stderr, /^sg-audit: error: UnauthorizedOperation: .* · DescribeNetworkInterfaces in \d{12} eu-west-1 — grant ec2:DescribeNetworkInterfaces /m);
    assert.match(stderr, /^sg-audit: error: \d+ rules not evaluated in \d{12} eu-west-1: the data they need could not be collected$/m);
    assert.equal(stderr.trim().split('\n').length, 2);
  });

  test('GetManagedPrefixListEntries denied: a collection error with the IAM hint, never a pass', async () => {
    reset();
    fault = (ctx) =>
      ctx.action === 'GetManagedPrefixListEntries'
        ? { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
        : undefined;
    const { code, stdout, stderr } = await live('--rule', 'ssh-open-to-internet');
    assert.equal(code, 3);
    const report = JSON.parse(stdout) as AuditReport;
    const collection = report.errors.filter((e) => e.kind === 'collection');
    assert.deepEqual(collection.map((e) => [e.region, e.operation, e.code]), [
      ['eu-west-1', 'GetManagedPrefixListEntries', 'UnauthorizedOperation'],
      ['us-east-1', 'GetManagedPrefixListEntries', 'UnauthorizedOperation'],
    ]);
    for (const e of collection) {
      assert.match(e.hint ?? '', /ec2:GetManagedPrefixListEntries.*Get\* action.*AmazonEC2ReadOnlyAccess/);
      assert.match(e.message, /prefix list pl-/);
    }
    // Both regions' denials are one cause: one line, naming the Get* trap.
    assert.match(stderr, /^sg-audit: error: UnauthorizedOperation: .* · GetManagedPrefixListEntries in \d{12} 2 regions \(eu-west-1, us-east-1\) — grant ec2:GetManagedPrefixListEntries .*Get\* action/);
    assert.equal(stderr.trim().split('\n').length, 1);
    // A denial is final: each referenced list asked once, no retries.
    assert.equal(inRegion('us-east-1', 'GetManagedPrefixListEntries').length, prefixListIdsIn(US).length);
    // The list that may be open is not read as closed: the run is incomplete, not a pass.
    assert.equal(report.summary.status, 'incomplete');
  });

  test('DescribeSecurityGroups failing leaves the per-id kinds uncollected, not empty', async () => {
    reset();
    fault = (ctx) =>
      ctx.region === 'eu-west-1' && ctx.action === 'DescribeSecurityGroups' && ctx.page === 2
        ? { kind: 'error', status: 403, code: 'UnauthorizedOperation', message: 'You are not authorized to perform this operation.' }
        : undefined;
    const snapshot = await collectLive({
      regions: ['us-east-1', 'eu-west-1'],
      kinds: ['securityGroups', 'prefixListEntries', 'staleSecurityGroups'],
      profile: 'fake',
      endpointUrl: fake.url,
    });
    const eu = snapshot.scopes.find((s) => s.region === 'eu-west-1');
    assert.equal(eu?.kinds.securityGroups?.status, 'error');
    for (const kind of ['prefixListEntries', 'staleSecurityGroups'] as const) {
      const result: RawKindResult | undefined = eu?.kinds[kind];
      assert.equal(result?.status, 'error');
      if (result?.status === 'error') {
        assert.equal(result.error.code, 'NotCollected');
        assert.equal(result.error.operation, operationOf(kind));
        assert.match(result.error.message, /DescribeSecurityGroups failed \(UnauthorizedOperation\)/);
      }
    }
    assert.equal(inRegion('eu-west-1', 'GetManagedPrefixListEntries').length, 0);
    assert.equal(inRegion('eu-west-1', 'DescribeStaleSecurityGroups').length, 0);
    // The other region is whole: one item per referenced list, the app VPC's stale group.
    const us = snapshot.scopes.find((s) => s.region === 'us-east-1');
    const entries = us?.kinds.prefixListEntries;
    assert.equal(entries?.status, 'ok');
    if (entries?.status === 'ok') {
      assert.deepEqual(entries.parts.flatMap((p) => p.items), prefixListIdsIn(US).map((id) => ({ PrefixListId: id, Entries: US.prefixListEntries?.[id] })));
    }
    const stale = us?.kinds.staleSecurityGroups;
    assert.equal(stale?.status, 'ok');
    if (stale?.status === 'ok') assert.deepEqual(stale.parts.flatMap((p) => p.items), US.staleSecurityGroups);
  });

  test('a page that is not an EC2 response is an error, not a shorter list', async () => {
    reset();
    fault = (ctx) => (ctx.region === 'us-east-1' && ctx.action === 'DescribeInstances' && ctx.page === 0 ? { kind: 'malformed' } : undefined);
    const { code, stdout } = await live('--rule', 'sg-shared-by-all-instances');
    assert.equal(code, 3);
    const report = JSON.parse(stdout) as AuditReport;
    assert.deepEqual(
      report.errors.filter((e) => e.kind === 'collection').map((e) => [e.region, e.operation, e.code]),
      [['us-east-1', 'DescribeInstances', 'MalformedResponse']],
    );
  });

  test('a per-id page that is not an EC2 response fails its kind', async () => {
    reset();
    fault = (ctx) =>
      ctx.region === 'us-east-1' && ctx.action === 'DescribeStaleSecurityGroups' ? { kind: 'truncated' } : undefined;
    const snapshot = await collectLive({ regions: ['us-east-1'], kinds: ['securityGroups', 'staleSecurityGroups'], profile: 'fake', endpointUrl: fake.url });
    const result = snapshot.scopes[0]?.kinds.staleSecurityGroups;
    assert.equal(result?.status, 'error');
    if (result?.status === 'error') {
      assert.equal(result.error.code, 'MalformedResponse');
      assert.equal(result.error.operation, 'DescribeStaleSecurityGroups');
      assert.match(result.error.message, /\(VPC vpc-/);
    }
  });

  test('only the data the enabled rules need is fetched', async () => {
    reset();
    const unused = await live('--rule', 'unused-sg');
    assert.equal(unused.stderr, '');
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), ['DescribeNetworkInterfaces', 'DescribeSecurityGroups']);
    reset();
    const plain = await live('--rule', 'ssh-open-to-internet', '--no-exposure-context');
    assert.equal(plain.code, 1);
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), operationsFor(kindsOfRule('ssh-open-to-internet')));
    assert.ok(!('DescribeStaleSecurityGroups' in fake.countByAction()));
    // Severity in context (the default) reads the network around each group as well.
    reset();
    const { code } = await live('--rule', 'ssh-open-to-internet');
    assert.equal(code, 1);
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), operationsFor([...kindsOfRule('ssh-open-to-internet'), ...EXPOSURE_CONTEXT_KINDS]));
  });

  test('route tables, internet gateways and egress-only gateways: collected page by page at their own MaxResults, and normalized', async () => {
    reset();
    const kinds: DataKind[] = ['securityGroups', 'routeTables', 'internetGateways', 'egressOnlyInternetGateways'];
    const snap = await collectLive({ regions: ['us-east-1'], kinds, profile: 'fake', endpointUrl: fake.url });
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), ['DescribeEgressOnlyInternetGateways', 'DescribeInternetGateways', 'DescribeRouteTables', 'DescribeSecurityGroups']);
    for (const [operation, pageSize] of [['DescribeRouteTables', '100'], ['DescribeInternetGateways', '1000'], ['DescribeEgressOnlyInternetGateways', '255']] as const) {
      assert.ok(inRegion('us-east-1', operation).every((r) => r.params['MaxResults'] === pageSize), `${operation} asks for MaxResults ${pageSize}`);
    }
    const us = snap.scopes.find((s) => s.region === 'us-east-1');
    const items = (kind: DataKind) => {
      const result = us?.kinds[kind];
      return result?.status === 'ok' ? result.parts.flatMap((p) => p.items) : [];
    };
    assert.equal(items('routeTables').length, US.routeTables?.length);
    assert.equal(items('internetGateways').length, US.internetGateways?.length);
    assert.equal(items('egressOnlyInternetGateways').length, US.egressOnlyInternetGateways?.length);
    const m = normalize(snap);
    const publicTable = m.routeTables.find((t) => t.main);
    assert.deepEqual(publicTable?.routes.map((r) => `${r.destination?.text} ${r.targetType} ${r.state}`), ['10.0.0.0/8 local active', '0.0.0.0/0 igw active']);
    const privateTable = m.routeTables.find((t) => !t.main);
    assert.deepEqual(privateTable?.routes.map((r) => r.targetType), ['local', 'nat', 'eigw']);
    assert.equal(privateTable?.subnetIds.length, 1);
    assert.deepEqual(m.internetGateways.map((g) => g.vpcIds.length), [1, 1]);
    assert.equal(m.egressOnlyInternetGateways[0]?.id, US.egressOnlyInternetGateways?.[0]?.EgressOnlyInternetGatewayId);
    assert.deepEqual(fake.violations, []);
  });

  test('progress: per-id calls are counted as they become known, and every counted call is reported done', async () => {
    reset();
    const events: ProgressEvent[] = [];
    await collectLive({ regions: ['us-east-1', 'eu-west-1'], kinds: DATA_KINDS, profile: 'fake', endpointUrl: fake.url, onProgress: (e) => events.push(e) });
    const first = events[0];
    assert.equal(first?.type, 'regions');
    const listKinds = DATA_KINDS.filter((k) => DATA_KIND_INFO[k].perItemOf === undefined).length;
    assert.equal(first?.type === 'regions' ? first.calls : 0, 2 * listKinds);
    const added = events.flatMap((e) => (e.type === 'calls-added' ? [`${e.region} ${e.operation} ${e.count}`] : [])).sort();
    assert.deepEqual(added, [
      'eu-west-1 DescribeStaleSecurityGroups 1', 'eu-west-1 GetManagedPrefixListEntries 2',
      'us-east-1 DescribeStaleSecurityGroups 1', 'us-east-1 GetManagedPrefixListEntries 2',
    ]);
    const total = 2 * listKinds + 6;
    const done = events.filter((e) => e.type === 'call-done');
    assert.equal(done.length, total);
    assert.ok(done.every((e) => e.type === 'call-done' && e.ok && e.pages >= 1));
    // A calls-added event comes before the calls it counts.
    const firstEntriesDone = events.findIndex((e) => e.type === 'call-done' && e.operation === 'GetManagedPrefixListEntries');
    const firstEntriesAdded = events.findIndex((e) => e.type === 'calls-added' && e.operation === 'GetManagedPrefixListEntries');
    assert.ok(firstEntriesAdded >= 0 && firstEntriesAdded < firstEntriesDone);
  });

  test('after a per-id failure the calls not yet started are dropped, and the progress total shrinks to match', async () => {
    const lists = Array.from({ length: 6 }, (_, i) => `pl-0c${String(i).padStart(15, '0')}`);
    const other = await startFakeEc2({
      accounts: [{
        accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET,
        regions: { 'us-east-1': { securityGroups: [{
          GroupId: 'sg-0c0000000000000001', GroupName: 'many-lists', Description: 'x', OwnerId: ACCOUNT_ID, VpcId: 'vpc-0c00000000000001',
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, PrefixListIds: lists.map((PrefixListId) => ({ PrefixListId })) }],
        }] } },
      }],
      fault: (ctx) => (ctx.action === 'GetManagedPrefixListEntries' ? { kind: 'error', status: 403, code: 'UnauthorizedOperation' } : undefined),
    });
    try {
      const events: ProgressEvent[] = [];
      const snapshot = await collectLive({
        regions: ['us-east-1'], kinds: ['securityGroups', 'prefixListEntries'], profile: 'fake', endpointUrl: other.url, onProgress: (e) => events.push(e),
      });
      const result = snapshot.scopes[0]?.kinds.prefixListEntries;
      assert.equal(result?.status, 'error');
      if (result?.status === 'error') assert.match(result.error.hint ?? '', /Get\* action/);
      // Four at a time: the first four fail, the last two are never asked.
      assert.equal(other.countByAction()['GetManagedPrefixListEntries'], 4);
      assert.deepEqual(events.flatMap((e) => (e.type === 'calls-added' ? [e.count] : [])), [6, -2]);
      const total = events.reduce((n, e) => n + (e.type === 'regions' ? e.calls : e.type === 'calls-added' ? e.count : 0), 0);
      assert.equal(total, events.filter((e) => e.type === 'call-done').length);
      assert.deepEqual(other.violations, []);
    } finally {
      await other.close();
    }
  });

  test('with a custom endpoint and no STS endpoint, STS is never called; with one, the account comes from STS', async () => {
    reset();
    await live('--rule', 'unused-sg');
    assert.equal(fake.requests.filter((r) => r.service === 'sts').length, 0);
    reset();
    process.env['AWS_ENDPOINT_URL_STS'] = fake.url;
    try {
      const { stdout } = await live('--rule', 'unused-sg');
      assert.deepEqual((JSON.parse(stdout) as AuditReport).run.accounts, [ACCOUNT_ID]);
      assert.equal(fake.requests.filter((r) => r.service === 'sts' && r.action === 'GetCallerIdentity').length, 1);
    } finally {
      delete process.env['AWS_ENDPOINT_URL_STS'];
    }
  });

  test('--region all audits every region enabled for the account', async () => {
    reset();
    const { stdout } = await runMain(['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'all', '--format', 'json', '--rule', 'unused-sg']);
    assert.deepEqual((JSON.parse(stdout) as AuditReport).run.regions, ['eu-west-1', 'us-east-1']);
    assert.equal(fake.countByAction()['DescribeRegions'], 1);
  });

  test('collect saves a snapshot of every data kind that audits offline to the same findings', async () => {
    const { report } = await fullCatalogLive();
    reset();
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-snap-'));
    const file = join(dir, 'snapshot.json');
    const saved = await runMain(['collect', '--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--output', file]);
    assert.equal(saved.code, 0, saved.stderr);
    assert.deepEqual(Object.keys(fake.countByAction()).sort(), operationsFor(DATA_KINDS));
    type SavedKind = { status: string; items: Record<string, unknown>[] };
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
      sgAuditSnapshot: number;
      scopes: { region: string; kinds: Record<string, SavedKind> }[];
    };
    assert.equal(snapshot.sgAuditSnapshot, 1);
    assert.equal(snapshot.scopes.length, 2);
    const us = snapshot.scopes.find((s) => s.region === 'us-east-1');
    assert.deepEqual(Object.keys(us?.kinds ?? {}).sort(), [...DATA_KINDS].sort());
    assert.ok(Object.values(us?.kinds ?? {}).every((k) => k.status === 'ok'));
    assert.deepEqual(us?.kinds['prefixListEntries']?.items.map((i) => i['PrefixListId']), prefixListIdsIn(US));
    assert.equal(us?.kinds['staleSecurityGroups']?.items.length, 1);
    assert.equal(us?.kinds['securityGroupRules']?.items.length, US.securityGroupRules?.length);
    // Dates (flow log CreationTime) are saved as ISO strings, as the AWS CLI prints them.
    assert.equal(us?.kinds['flowLogs']?.items[0]?.['CreationTime'], '2025-06-01T08:00:00.000Z');
    const offline = await runMain(['--input', file, '--format', 'json']);
    assert.equal(offline.code, 1, offline.stderr);
    const offlineReport = JSON.parse(offline.stdout) as AuditReport;
    assert.deepEqual(offlineReport.skipped, []);
    assert.deepEqual(withoutOrigins(offlineReport.findings), report.findings);
    assert.ok(offlineReport.findings.every((f) => f.resource.origin === file), 'offline findings point at the snapshot file');
  });

  test('on a terminal, stderr shows progress (regions and calls done) and clears it; in a pipe or with --quiet, nothing', async () => {
    reset();
    const args = ['--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1', '--region', 'eu-west-1', '--rule', 'unused-sg', '--format', 'json'];
    const runWith = async (stderrIsTTY: boolean, extra: string[] = []) => {
      let stderr = '';
      await main([...args, ...extra], {
        stdout: { write: () => undefined },
        stderr: { write: (t: string) => void (stderr += t), isTTY: stderrIsTTY },
        env: { NO_COLOR: '1' },
        now: () => new Date('2026-01-02T03:04:05.000Z'),
      });
      return stderr;
    };
    const tty = await runWith(true);
    const frames = tty.split('\r\u001b[2K').filter(Boolean);
    assert.ok(frames.length > 3, tty);
    assert.match(frames[0] ?? '', /^0\/2 regions · 0\/\d+ calls · collecting 2 region\(s\)$/);
    const last = frames.at(-1) ?? '';
    const [, done, total] = /^2\/2 regions · (\d+)\/(\d+) calls · /.exec(last) ?? [];
    assert.ok(done !== undefined && done === total, `the last frame has every call done: ${last}`);
    assert.ok(tty.endsWith('\r\u001b[2K'), 'the line is cleared when collection ends');
    assert.equal(await runWith(false), '');
    assert.equal(await runWith(true, ['--quiet']), '');
  });

  test('the binary, run as a user would, prints no SDK warnings and exits 1', async () => {
    const home = fakeAwsHome(KEY, SECRET, 'us-east-1');
    const { code, stdout, stderr } = await runBin(['--profile', 'fake', '--endpoint-url', fake.url, '--rule', 'ssh-open-to-internet'], { HOME: home });
    assert.equal(stderr, '');
    assert.equal(code, 1);
    assert.match(stdout, /ssh-ipv6-only/);
    assert.match(stdout, /ssh-via-prefix-list/);
    assert.match(stdout, /1 region/);
  });
});
