// --shard K/N end to end, through the real SDK against the fake endpoint (EC2, STS, Organizations):
// an organisation of several accounts and regions audited in N shards, for N from 1 to 5, merges
// into exactly the report of one unsharded run (findings, summary, rules, suppressions, errors,
// exit code); each shard says which part it holds; merge refuses a set of shards that is not one
// whole run (exit 3, naming the shard) and a shard field that is not a report's (exit 2).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AuditReport, ShardReport } from '../../src/report/types.js';
import { runMain, useFakeAwsProfile } from '../helpers/cli.js';
import type { FakeEc2 } from '../helpers/fake-ec2.js';
import { accessKeyOf, MANAGEMENT, startFakeOrganization } from '../helpers/organization.js';

const MEMBERS = ['222222222222', '333333333333', '444444444444'] as const;
const NO_ROLE = '555555555555';
const ROLE = 'arn:aws:iam::{account}:role/SgAudit';

let fake: FakeEc2;
const dir = mkdtempSync(join(tmpdir(), 'sg-audit-shard-'));
const config = join(dir, 'sg-audit.yml');

before(async () => {
  useFakeAwsProfile(accessKeyOf(MANAGEMENT), `secret-${MANAGEMENT}`);
  ({ fake } = await startFakeOrganization(
    {
      [MANAGEMENT]: ['us-east-1', 'eu-west-1'],
      [MEMBERS[0]]: ['us-east-1', 'eu-west-1', 'ap-southeast-2'],
      [MEMBERS[1]]: ['us-east-1'],
      [MEMBERS[2]]: ['eu-west-1', 'us-west-2', 'us-east-1'],
      [NO_ROLE]: ['us-east-1'],
    },
    [NO_ROLE],
  ));
  // One suppression that applies in one account and region only, one that matches nothing.
  writeFileSync(
    config,
    [
      'suppressions:',
      '  - rule: ssh-open-to-internet',
      '    resource: ssh-via-split',
      `    account: "${MEMBERS[0]}"`,
      '    region: ap-southeast-2',
      '    reason: reviewed',
      '  - rule: unused-sg',
      '    resource: sg-ffffffffffffffff',
      '    reason: long gone',
      '',
    ].join('\n'),
  );
});

after(async () => {
  await fake.close();
  assert.deepEqual(fake.violations, []);
});

const ORG = ['--profile', 'fake', '--role-arn', ROLE, '--accounts', 'organization', '--region', 'all', '--config', config];
const live = () => ['--endpoint-url', fake.url];

/** An audit whose JSON report goes to `file`; its exit code and stderr. */
async function audit(file: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stderr: string; report: AuditReport }> {
  const { code, stderr } = await runMain([...live(), ...args, '--quiet', '--format', `json=${file}`], env);
  return { code, stderr, report: JSON.parse(readFileSync(file, 'utf8')) as AuditReport };
}

async function merge(files: readonly string[], ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runMain(['merge', ...files, ...args]);
}

/**
 * What must be equal between the merged shards and one run: everything but the clock, the shard
 * and the warnings (a merge words its own about suppressions: "in any report").
 */
function comparable(report: AuditReport) {
  const { startedAt: _s, finishedAt: _f, shard: _shard, ...run } = report.run;
  const { tool: _tool, warnings: _warnings, ...rest } = report;
  return { ...rest, run };
}

const UNUSED = /^sg-audit: warning: suppressions\[1\] \(unused-sg on sg-ffffffffffffffff\) matched no finding in any report: remove it or fix its rule\/resource\n$/;

interface ShardRuns {
  files: string[];
  reports: AuditReport[];
  codes: number[];
  /** Each shard's table (stdout). */
  tables: string[];
  /** The account and region of each EC2 call a shard made, other than DescribeRegions. */
  calls: string[][];
}

/**
 * The shards of a run of N, their JSON reports written to files and their tables to stdout;
 * `how` may give a shard another --shard value and variables (auto/N and an index).
 */
async function shards(
  name: string,
  total: number,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  how: (k: number) => { flag: string; env?: NodeJS.ProcessEnv } = (k) => ({ flag: `${k}/${total}` }),
): Promise<ShardRuns> {
  const runs: ShardRuns = { files: [], reports: [], codes: [], tables: [], calls: [] };
  for (let k = 1; k <= total; k++) {
    const file = join(dir, `${name}-${k}-of-${total}.json`);
    const start = fake.requests.length;
    const shard = how(k);
    const { code, stdout, stderr } = await runMain([...live(), ...args, '--shard', shard.flag, '--quiet', '--format', `json=${file}`, '--format', 'table'], { ...env, ...shard.env });
    assert.ok(code === 0 || code === 1 || code === 3, stderr);
    runs.files.push(file);
    runs.reports.push(JSON.parse(readFileSync(file, 'utf8')) as AuditReport);
    runs.codes.push(code);
    runs.tables.push(stdout);
    const calls = fake.requests.slice(start).filter((r) => r.service === 'ec2' && r.action !== 'DescribeRegions');
    runs.calls.push([...new Set(calls.map((r) => `${r.accountId} ${r.region}`))].sort());
  }
  return runs;
}

/** A copy of a shard's report with its run.shard changed, as another run would have written it. */
function edited(file: string, name: string, change: (shard: ShardReport) => object): string {
  const report = JSON.parse(readFileSync(file, 'utf8')) as AuditReport & { run: { shard: ShardReport } };
  const copy = join(dir, name);
  writeFileSync(copy, JSON.stringify({ ...report, run: { ...report.run, shard: change(report.run.shard) } }));
  return copy;
}

const pairList = (report: AuditReport) =>
  Object.entries(report.run.shard?.pairs ?? {}).flatMap(([account, regions]) => regions.map((region) => `${account} ${region}`));

describe('--shard K/N over an organisation (fake EC2, STS and Organizations)', () => {
  let whole: { code: number; report: AuditReport };
  let three: ShardRuns;
  /** The runs of 1 to 5 shards, by N. */
  const runsOf = new Map<number, ShardRuns>();

  before(async () => {
    whole = await audit(join(dir, 'whole.json'), ORG);
    // Shard 2 as a Kubernetes pod of index 1 would run it, shard 3 as AWS Batch child 2.
    three = await shards('org', 3, ORG, { SG_AUDIT_RUN_ID: 'run-1' }, (k) =>
      k === 1
        ? { flag: '1/3' }
        : k === 2
          ? { flag: 'auto/3', env: { JOB_COMPLETION_INDEX: '1' } }
          : { flag: 'auto/3', env: { AWS_BATCH_JOB_ARRAY_INDEX: '2', AWS_BATCH_JOB_ID: 'a1b2c3:2' } },
    );
  });

  test('the unsharded run: 4 accounts, 9 account × region pairs, findings (exit 1), and no shard section', () => {
    assert.equal(whole.code, 1);
    assert.deepEqual(whole.report.run.accounts, [MANAGEMENT, ...MEMBERS]);
    assert.ok(whole.report.findings.length > 0);
    assert.equal(whole.report.run.shard, undefined);
    assert.deepEqual(whole.report.suppressions.map((s) => s.status), ['active', 'unused']);
    assert.equal(whole.report.summary.suppressed, 1);
  });

  for (let total = 1; total <= 5; total++) {
    test(`${total} shard(s) merge into exactly the unsharded report: findings, summary, rules, suppressions, errors, exit code`, async () => {
      const runs = total === 3 ? three : await shards(`n${total}`, total, ORG);
      runsOf.set(total, runs);
      const { files, reports } = runs;
      // Each shard holds its part: every pair once over all shards, within one of each other in size.
      const held = reports.map(pairList);
      assert.deepEqual(held.flat().sort(), [...new Set(held.flat())].sort());
      assert.equal(held.flat().length, 9);
      assert.ok(Math.max(...held.map((h) => h.length)) - Math.min(...held.map((h) => h.length)) <= 1, held.map((h) => h.length).join(' '));
      for (const [i, report] of reports.entries()) {
        assert.equal(report.run.shard?.index, i + 1);
        assert.equal(report.run.shard?.total, total);
        assert.equal(report.run.shard?.plan.pairs, 9);
        // The report's accounts and regions are those of the pairs it holds.
        assert.deepEqual(report.run.accounts, Object.keys(report.run.shard?.pairs ?? {}).sort());
        assert.deepEqual(report.run.regions, [...new Set(Object.values(report.run.shard?.pairs ?? {}).flat())].sort());
      }
      const merged = await merge(files, '--format', 'json');
      assert.equal(merged.code, whole.code, merged.stderr);
      assert.match(merged.stderr, UNUSED);
      const report = JSON.parse(merged.stdout) as AuditReport;
      assert.deepEqual(report.findings, whole.report.findings);
      assert.deepEqual(report.summary, whole.report.summary);
      assert.deepEqual(comparable(report), comparable(whole.report));
    });
  }

  test('a shard says in the table which part it is, and in the JSON which pairs it holds; it calls EC2 for those pairs only', () => {
    for (const [i, report] of three.reports.entries()) {
      const held = pairList(report);
      // The table's closing line (wrapped to the width) names the part.
      assert.match(three.tables[i] ?? '', new RegExp(`\\nAudited [^]*· shard ${i + 1} of 3 \\(${held.length} of 9 account × region pairs\\)\\n`.replaceAll(' ', '\\s+')));
      assert.deepEqual(three.calls[i], [...held].sort());
    }
    const shard = three.reports[1]?.run.shard;
    assert.equal(shard?.run, 'run-1');
    assert.match(shard?.plan.digest ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(Object.keys(shard ?? {}), ['index', 'total', 'run', 'plan', 'rules', 'suppressions', 'pairs']);
    // Every shard resolved the same organisation, rules and suppressions.
    for (const key of ['plan', 'rules', 'suppressions'] as const) {
      assert.equal(new Set(three.reports.map((r) => JSON.stringify(r.run.shard?.[key]))).size, 1, key);
    }
  });

  test('auto/N reads the 0-based JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (SG_AUDIT_RUN_ID names the run before the Batch job id)', () => {
    assert.deepEqual(three.reports.map((r) => [r.run.shard?.index, r.run.shard?.total, r.run.shard?.run]), [
      [1, 3, 'run-1'],
      [2, 3, 'run-1'],
      [3, 3, 'run-1'],
    ]);
  });

  test('an account whose role cannot be assumed: its pair is in one shard, which reports it; the merge equals the unsharded run (exit 3)', async () => {
    const args = ['--profile', 'fake', '--role-arn', ROLE, '--accounts', MANAGEMENT, MEMBERS[0], NO_ROLE, '--region', 'us-east-1'];
    const unsharded = await audit(join(dir, 'errors-whole.json'), args);
    assert.equal(unsharded.code, 3);
    const { files, codes, reports } = await shards('errors', 2, args);
    assert.equal(reports.flatMap((r) => r.errors).filter((e) => e.operation === 'AssumeRole').length, 1, 'its pair reported once');
    assert.ok(codes.includes(3));
    const merged = await merge(files, '--format', 'json');
    assert.equal(merged.code, 3);
    const report = JSON.parse(merged.stdout) as AuditReport;
    assert.deepEqual(comparable(report), comparable(unsharded.report));
  });

  test('more shards than pairs: a shard that holds none collects nothing and passes (exit 0), and still says what it is', async () => {
    const start = fake.requests.length;
    const { code, report } = await audit(join(dir, 'empty.json'), [...ORG, '--shard', '1/10']);
    assert.equal(code, 0);
    assert.deepEqual(report.run.shard?.pairs, {});
    assert.equal(report.run.shard?.plan.pairs, 9);
    assert.deepEqual([report.findings.length, report.errors.length, report.run.accounts.length], [0, 0, 0]);
    assert.equal(fake.requests.slice(start).filter((r) => r.service === 'ec2' && r.action !== 'DescribeRegions').length, 0);
  });

  test('--shard with --input is a usage error: it splits what a live audit collects', async () => {
    const { code, stdout, stderr } = await runMain(['--input', join(dir, 'whole.json'), '--shard', '1/2']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^sg-audit: error: --shard splits the account × region pairs a live audit collects; with --input .* — .*\n$/);
  });

  test('--shard auto/N with neither index variable: one line, exit 2, before anything is called', async () => {
    const start = fake.requests.length;
    const { code, stderr } = await runMain([...live(), ...ORG, '--shard', 'auto/3']);
    assert.equal(code, 2);
    assert.match(stderr, /^sg-audit: error: --shard auto\/3 found neither JOB_COMPLETION_INDEX \(a Kubernetes Indexed Job\) nor AWS_BATCH_JOB_ARRAY_INDEX \(an AWS Batch array job\) — give the shard: --shard K\/3, K from 1 to 3\n$/);
    assert.equal(fake.requests.length, start);
  });

  describe('merge checks that the shards make one whole run (exit 3, naming what is wrong)', () => {
    const refused = async (files: readonly string[], pattern: RegExp) => {
      const { code, stdout, stderr } = await merge(files);
      assert.equal(code, 3, stderr);
      assert.equal(stdout, '', 'no partial report');
      assert.equal(stderr.split('\n').filter(Boolean).length, 1, stderr);
      assert.match(stderr, pattern);
    };
    const files = () => three.files;

    test('a missing shard', async () => {
      const [a, , c] = files();
      await refused([a as string, c as string], /^sg-audit: error: shard 2 of 3 is missing \(2 of 3 given\): the merged report would not cover its account × region pairs — merge every shard's report; a shard that wrote none failed/);
      await refused([a as string], /shards 2 and 3 of 3 are missing \(1 of 3 given\)/);
    });

    test('a shard given twice', async () => {
      const [a, b, c] = files() as [string, string, string];
      const copy = join(dir, 'copy-of-2.json');
      writeFileSync(copy, readFileSync(b));
      await refused([a, b, c, copy], new RegExp(`shard 2 of 3 is given 2 times \\(${b.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} and ${copy.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\) — give each shard's report once`));
    });

    test('shards of runs split in different numbers', async () => {
      const two = runsOf.get(2)?.files ?? [];
      await refused([...files().slice(0, 2), ...two.slice(1)], /the shard reports were split in different numbers of shards \(of 3: .*; of 2: .*n2-2-of-2\.json\)/);
    });

    test('a shard of another run (a report left over from an earlier run, or one without a run id)', async () => {
      const [a, b, c] = files() as [string, string, string];
      const earlier = edited(c, 'earlier-3.json', (shard) => ({ ...shard, run: 'run-0' }));
      await refused([a, b, earlier], /the shard reports come from different runs \(run run-1: .*; run run-0: .*earlier-3\.json\) — a report left over from an earlier run/);
      const unnamed = edited(c, 'unnamed-3.json', ({ run: _run, ...shard }) => shard);
      await refused([a, b, unnamed], /different runs \(run run-1: .*; no run id: .*unnamed-3\.json\)/);
    });

    test('shards that saw a different organisation', async () => {
      const [a, b] = files() as [string, string, string];
      // As if an account joined the organisation between the shards' ListAccounts calls.
      const other = join(dir, 'other-org-3.json');
      await audit(other, ['--profile', 'fake', '--role-arn', ROLE, '--accounts', MANAGEMENT, ...MEMBERS, NO_ROLE, '--region', 'all', '--config', config, '--shard', '3/3'], { SG_AUDIT_RUN_ID: 'run-1' });
      await refused([a, b, other], /the shards saw different account × region pairs \(9 pairs, sha256:[0-9a-f]{12}: .*; 10 pairs, sha256:[0-9a-f]{12}: .*\): the accounts or their regions changed between them/);
    });

    test('shards that ran other rules or suppressions', async () => {
      const [a, b] = files() as [string, string, string];
      const fewer = join(dir, 'fewer-rules-3.json');
      await audit(fewer, [...ORG, '--skip-rule', 'unused-sg', '--shard', '3/3'], { SG_AUDIT_RUN_ID: 'run-1' });
      await refused([a, b, fewer], /the shards ran different rules, severities or rule options/);
      const otherConfig = join(dir, 'other.yml');
      writeFileSync(otherConfig, readFileSync(config, 'utf8').replace('long gone', 'gone for good'));
      const unsuppressed = join(dir, 'other-suppressions-3.json');
      await audit(unsuppressed, [...ORG.slice(0, -1), otherConfig, '--shard', '3/3'], { SG_AUDIT_RUN_ID: 'run-1' });
      await refused([a, b, unsuppressed], /the shards ran with different suppressions/);
    });

    test('reports without --shard merge beside a whole set as before; a damaged shard section is not a report (exit 2)', async () => {
      const { code, stderr } = await merge([...files(), join(dir, 'whole.json')], '--format', 'json');
      assert.equal(code, 1, stderr);
      const report = JSON.parse(readFileSync(files()[0] as string, 'utf8')) as AuditReport & { run: { shard: Record<string, unknown> } };
      const broken = join(dir, 'broken.json');
      writeFileSync(broken, JSON.stringify({ ...report, run: { ...report.run, shard: { ...report.run.shard, index: 0 } } }));
      const bad = await merge([broken, ...files().slice(1)]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /^sg-audit: error: .*broken\.json: run\.shard\.index must be a whole number from 1 — /);
      writeFileSync(broken, JSON.stringify({ ...report, run: { ...report.run, shard: { ...report.run.shard, index: 4 } } }));
      assert.match((await merge([broken])).stderr, /run\.shard\.index 4 is past run\.shard\.total 3/);
    });
  });
});
