// `sg-audit merge` end to end: the bundled demo account audited in two shards (one per region)
// merges into the report of one audit of the whole account — same findings in the same order,
// same summary, same exit code — and overlapping, incomplete, disagreeing, baselined and broken
// shard reports do what DESIGN.md §5 and §8 say. In process with a fixed clock, plus the built
// binary for the one-line errors.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { parse as parseCsv } from 'csv-parse/sync';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { mergeReports } from '../../src/report/merge.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';
import { VERSION } from '../../src/version.js';
import { REPO_ROOT, runBin, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');
const US = join(DEMO, 'us-east-1');
const EU = join(DEMO, 'eu-west-1');

const scratch = () => mkdtempSync(join(tmpdir(), 'sg-audit-merge-'));

async function jsonRun(args: readonly string[]): Promise<{ code: number; report: AuditReport; stderr: string }> {
  const { code, stdout, stderr } = await runMain([...args, '--format', 'json']);
  assert.ok(stdout.startsWith('{'), `no JSON report (exit ${code}): ${stderr}`);
  return { code, report: JSON.parse(stdout) as AuditReport, stderr };
}

/** Audits `input` and writes its JSON report to `file` (as a shard would), returning the report. */
async function shard(file: string, input: string, ...args: string[]): Promise<AuditReport> {
  const { code, stderr } = await runMain(['--input', input, ...args, '--format', `json=${file}`]);
  assert.ok(code === 0 || code === 1, stderr);
  return readReport(file);
}

const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as AuditReport;

/** A copy of a report file, changed by `edit`. */
function edited(file: string, edit: (report: Record<string, unknown> & AuditReport) => unknown, name = 'edited.json'): string {
  const report = readReport(file) as Record<string, unknown> & AuditReport;
  const copy = join(scratch(), name);
  writeFileSync(copy, JSON.stringify(edit(report) ?? report, null, 2));
  return copy;
}

function oneLine(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, `expected exactly one stderr line, got:\n${stderr}`);
  assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  return lines[0] as string;
}

/** The run facts that do not depend on the clock. */
const runFacts = (report: AuditReport) => {
  const { startedAt: _s, finishedAt: _f, ...rest } = report.run;
  return rest;
};

const dir = scratch();
const usFile = join(dir, 'shard-us.json');
const euFile = join(dir, 'shard-eu.json');
const wholeFile = join(dir, 'whole.json');
await shard(usFile, US);
await shard(euFile, EU);
const whole = await jsonRun(['--input', DEMO]);
writeFileSync(wholeFile, JSON.stringify(whole.report));

describe('sg-audit merge: shards by region equal one audit of the account', () => {
  test('findings (fingerprints and order), summary, rules, run facts and exit code', async () => {
    assert.equal(whole.code, 1, 'the demo account fails at the default --fail-on high');
    const merged = await jsonRun(['merge', usFile, euFile]);
    assert.equal(merged.code, whole.code);
    assert.deepEqual(merged.report.findings, whole.report.findings);
    assert.deepEqual(merged.report.summary, whole.report.summary);
    assert.deepEqual(merged.report.rules, whole.report.rules);
    assert.deepEqual(runFacts(merged.report), runFacts(whole.report));
    assert.deepEqual(merged.report.errors, whole.report.errors);
    assert.deepEqual(merged.report.skipped, whole.report.skipped);
    assert.deepEqual(merged.report.warnings, []);
    assert.equal(merged.report.tool.version, VERSION);
    assert.equal(merged.report.baseline, undefined);
    assert.equal(merged.stderr, '');
  });

  test('the shards in any order give the same report; run spans the earliest start to the latest end', async () => {
    const a = await jsonRun(['merge', usFile, euFile]);
    const b = await jsonRun(['merge', euFile, usFile]);
    assert.deepEqual(b.report, a.report);
    const early = edited(usFile, (r) => ({ ...r, run: { ...r.run, startedAt: '2025-06-01T00:00:00.000Z', finishedAt: '2025-06-01T00:00:01.000Z' } }));
    const late = edited(euFile, (r) => ({ ...r, run: { ...r.run, startedAt: '2025-06-01T00:05:00.000Z', finishedAt: '2025-06-01T00:07:30.000Z' } }));
    const { report } = await jsonRun(['merge', late, early]);
    assert.equal(report.run.startedAt, '2025-06-01T00:00:00.000Z');
    assert.equal(report.run.finishedAt, '2025-06-01T00:07:30.000Z');
  });

  test('the table shows the same summary line as the unsharded audit', async () => {
    const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);
    const merged = await runMain(['merge', usFile, euFile]);
    const unsharded = await runMain(['--input', DEMO]);
    assert.equal(merged.code, 1);
    assert.equal(lastLine(merged.stdout), lastLine(unsharded.stdout));
  });
});

describe('sg-audit merge: overlap, incomplete shards, --fail-on', () => {
  test('overlapping shards: each finding once, and a warning naming the shards', async () => {
    const merged = await jsonRun(['merge', usFile, wholeFile]);
    assert.equal(merged.code, 1);
    assert.deepEqual(
      merged.report.findings.map((f) => f.fingerprint),
      whole.report.findings.map((f) => f.fingerprint),
    );
    assert.deepEqual(merged.report.summary.bySeverity, whole.report.summary.bySeverity);
    assert.deepEqual(merged.report.warnings, [`account 123456789012 region us-east-1 is in shards ${usFile} and ${wholeFile}; findings were de-duplicated`]);
    // Not the table on stdout: the warning goes to stderr.
    assert.match(merged.stderr, /^sg-audit: warning: account 123456789012 region us-east-1 is in shards .*; findings were de-duplicated\n$/);
  });

  test('a shard with errors makes the merge incomplete: exit 3, even with --fail-on none', async () => {
    const error = {
      kind: 'collection',
      accountId: '123456789012',
      region: 'eu-west-1',
      operation: 'DescribeNetworkInterfaces',
      code: 'UnauthorizedOperation',
      message: 'You are not authorized to perform this operation.',
    };
    const broken = edited(euFile, (r) => ({ ...r, summary: { ...r.summary, status: 'incomplete' }, errors: [error] }));
    const merged = await jsonRun(['merge', usFile, broken]);
    assert.equal(merged.code, 3);
    assert.equal(merged.report.summary.status, 'incomplete');
    assert.equal(merged.report.summary.errors, 1);
    assert.deepEqual(merged.report.errors, [error]);
    assert.match(merged.stderr, /^sg-audit: error: UnauthorizedOperation: You are not authorized to perform this operation\. · DescribeNetworkInterfaces in \S+ eu-west-1 — /m);
    assert.equal((await runMain(['merge', usFile, broken, '--fail-on', 'none', '--quiet'])).code, 3);
    // The table lists the error too.
    assert.match((await runMain(['merge', usFile, broken])).stdout, /UnauthorizedOperation/);
  });

  test('--fail-on overrides the shards: none passes, critical still fails (the demo has critical findings)', async () => {
    const none = await jsonRun(['merge', usFile, euFile, '--fail-on', 'none']);
    assert.equal(none.code, 0);
    assert.equal(none.report.run.failOn, 'none');
    assert.equal(none.report.summary.status, 'pass');
    assert.equal(none.report.summary.failing, 0);
    const critical = await jsonRun(['merge', usFile, euFile, '--fail-on', 'critical']);
    assert.equal(critical.code, 1);
    assert.equal(critical.report.summary.failing, whole.report.summary.bySeverity.critical);
  });

  test("without --fail-on, the shards' common failOn applies", async () => {
    const d = scratch();
    const a = join(d, 'a.json');
    const b = join(d, 'b.json');
    await shard(a, US, '--fail-on', 'none');
    await shard(b, EU, '--fail-on', 'none');
    const merged = await jsonRun(['merge', a, b]);
    assert.equal(merged.code, 0);
    assert.equal(merged.report.run.failOn, 'none');
  });

  test('shards with different failOn and no --fail-on: exit 2, one line asking for --fail-on', async () => {
    const critical = edited(euFile, (r) => ({ ...r, run: { ...r.run, failOn: 'critical' } }));
    const { code, stdout, stderr } = await runMain(['merge', usFile, critical]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(oneLine(stderr), /different --fail-on \(critical in .*edited\.json; high in .*shard-us\.json\) — give merge --fail-on/);
    assert.equal((await runMain(['merge', usFile, critical, '--fail-on', 'high'])).code, 1);
  });
});

describe('sg-audit merge: what shards disagree on', () => {
  test('a rule run at two severities: listed at the highest, findings keep their own, a warning', async () => {
    const raised = edited(euFile, (r) => ({ ...r, rules: r.rules.map((rule) => (rule.id === 'launch-wizard-sg' ? { ...rule, severity: 'critical' } : rule)) }));
    const { report } = await jsonRun(['merge', usFile, raised]);
    assert.equal(report.rules.find((r) => r.id === 'launch-wizard-sg')?.severity, 'critical');
    const wizard = report.findings.filter((f) => f.ruleId === 'launch-wizard-sg');
    assert.ok(wizard.length > 0 && wizard.every((f) => f.severity === 'low'));
    assert.ok(report.warnings.some((w) => /^rule launch-wizard-sg ran with different severities \(critical in .*; low in .*\)/.test(w)));
    // The checks are the sum of the shards'.
    const checks = (r: AuditReport) => r.rules.find((x) => x.id === 'launch-wizard-sg')?.checks;
    assert.deepEqual(checks(report), checks(whole.report));
  });

  test('shards from another sg-audit version: a warning; the merged report is this version', async () => {
    const older = edited(euFile, (r) => ({ ...r, tool: { name: 'sg-audit', version: '0.0.9' } }));
    const { report } = await jsonRun(['merge', usFile, older]);
    assert.equal(report.tool.version, VERSION);
    assert.ok(report.warnings.some((w) => w.startsWith('the reports come from different sg-audit versions (0.0.9 wrote')));
  });

  test('live and saved-file shards: source file, with a warning', async () => {
    const live = edited(euFile, (r) => ({ ...r, run: { ...r.run, source: 'aws', inputs: [] } }), 'live.json');
    const { report } = await jsonRun(['merge', usFile, live]);
    assert.equal(report.run.source, 'file');
    assert.ok(report.warnings.some((w) => w.includes('live.json audited live AWS')));
    const allLive = await jsonRun(['merge', live]);
    assert.equal(allLive.report.run.source, 'aws');
  });

  test('suppressions from one config are listed once: active where any shard used them, matched summed, no stale shard warnings', async () => {
    const ssh = whole.report.findings.find((f) => f.ruleId === 'ssh-open-to-internet' && f.resource.region === 'us-east-1');
    assert.ok(ssh);
    const d = scratch();
    const config = join(d, 'sg-audit.yml');
    writeFileSync(
      config,
      [
        'suppressions:',
        `  - { rule: ssh-open-to-internet, resource: ${ssh.resource.id}, reason: bastion }`,
        '  - { rule: unused-sg, resource: "no-such-group-*", reason: never matches }',
        `  - { rule: launch-wizard-sg, resource: "*", reason: old, expires: "2025-12-31" }`,
        '',
      ].join('\n'),
    );
    const a = join(d, 'a.json');
    const b = join(d, 'b.json');
    await shard(a, US, '--config', config);
    const eu = await shard(b, EU, '--config', config);
    assert.equal(eu.suppressions[0]?.status, 'unused', 'the eu shard alone calls the ssh suppression unused');
    const unsharded = await jsonRun(['--input', DEMO, '--config', config]);
    const merged = await jsonRun(['merge', a, b]);
    assert.deepEqual(merged.report.suppressions, unsharded.report.suppressions);
    assert.deepEqual(
      merged.report.suppressions.map((s) => s.status),
      ['active', 'unused', 'expired'],
    );
    assert.deepEqual(merged.report.findings, unsharded.report.findings);
    assert.deepEqual(merged.report.summary, unsharded.report.summary);
    assert.equal(merged.report.run.config, config);
    // One warning per unused or expired suppression, about the merged status; none from a shard's view.
    assert.equal(merged.report.warnings.length, unsharded.report.warnings.length);
    assert.ok(merged.report.warnings.every((w) => !w.startsWith(a) && !w.startsWith(b)), merged.report.warnings.join('\n'));
    assert.ok(merged.report.warnings.some((w) => /^suppressions\[1\] \(unused-sg on no-such-group-\*\) matched no finding in any report/.test(w)));
    assert.ok(merged.report.warnings.some((w) => /^suppressions\[2\] .* expired on 2025-12-31/.test(w)));
  });
});

describe('sg-audit merge: bad files are exit 2 with one line naming the file and the fix', () => {
  const valid = readFileSync(usFile, 'utf8');
  const drop = (edit: (r: { findings: Record<string, unknown>[]; rules: Record<string, unknown>[] }) => void) => {
    const report = JSON.parse(valid) as { findings: Record<string, unknown>[]; rules: Record<string, unknown>[] };
    edit(report);
    return JSON.stringify(report);
  };
  const cases: [string, string | undefined, RegExp][] = [
    ['a missing file', undefined, /cannot read .*bad\.json: no such file — give the JSON reports of the shards/],
    ['not JSON', '{"schemaVersion": 1,', /bad\.json is not valid JSON: .* — merge reads the JSON reports sg-audit writes/],
    ['JSON that is not a report', '{"SecurityGroups": []}', /bad\.json is not an sg-audit JSON report — merge reads/],
    ['another tool', '{"schemaVersion": 1, "tool": {"name": "prowler"}, "findings": []}', /bad\.json is not an sg-audit JSON report/],
    [
      'schemaVersion 2',
      valid.replace('"schemaVersion": 1', '"schemaVersion": 2'),
      /bad\.json has schemaVersion 2; this sg-audit reads 1 — write the shard reports again with this version of sg-audit/,
    ],
    ['a finding without a fingerprint', drop((r) => delete r.findings[0]?.['fingerprint']), /bad\.json: findings\[0\] has no fingerprint/],
    ['a finding with an unknown severity', drop((r) => void (r.findings[2] = { ...r.findings[2], severity: 'severe' })), /bad\.json: findings\[2\]\.severity must be one of critical, high/],
    ['a rule without checks', drop((r) => delete r.rules[1]?.['checks']), /bad\.json: rules\[1\]\.checks is missing/],
    ['an incomplete summary without errors', valid.replace('"status": "fail"', '"status": "incomplete"'), /bad\.json: its summary says the audit was incomplete, but it lists no errors/],
  ];
  for (const [name, text, expected] of cases) {
    test(name, async () => {
      const file = join(scratch(), 'bad.json');
      if (text !== undefined) writeFileSync(file, text);
      const { code, stdout, stderr } = await runMain(['merge', usFile, file, '--format', 'json']);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(oneLine(stderr), expected);
    });
  }

  test('the built binary: exit 2, one line; merge without a file is a usage error', async () => {
    const file = join(scratch(), 'bad.json');
    writeFileSync(file, '[]');
    const bad = await runBin(['merge', file]);
    assert.equal(bad.code, 2);
    assert.match(oneLine(bad.stderr), /^sg-audit: error: .*bad\.json is not an sg-audit JSON report — /);
    const none = await runBin(['merge']);
    assert.equal(none.code, 2);
    assert.match(oneLine(none.stderr), /missing required argument/);
  });

  test('a report is never written over a shard', async () => {
    const copy = edited(usFile, () => undefined);
    const { code, stderr } = await runMain(['merge', copy, euFile, '--format', `json=${copy}`]);
    assert.equal(code, 2);
    assert.match(oneLine(stderr), /is also a report being merged/);
    assert.equal(readFileSync(copy, 'utf8'), JSON.stringify(readReport(usFile), null, 2));
  });
});

describe('sg-audit merge: every format renders a merged report', () => {
  test('table, json, sarif (schema-valid), junit (parses; failures as in one audit), csv, markdown, html', async () => {
    const out = scratch();
    const file = (name: string) => join(out, name);
    const formats = ['json=m.json', 'sarif=m.sarif', 'junit=m.xml', 'csv=m.csv', 'markdown=m.md', 'html=m.html'];
    const merged = await runMain(['merge', usFile, euFile, '--format', 'table', ...formats.flatMap((f) => ['--format', f.replace('=', `=${out}/`)])]);
    assert.equal(merged.code, 1, merged.stderr);
    assert.equal(merged.stderr, '');
    assert.match(merged.stdout, /1 account · 2 regions/);

    const report = readReport(file('m.json'));
    assert.deepEqual(report.findings, whole.report.findings);

    const sarif = JSON.parse(readFileSync(file('m.sarif'), 'utf8')) as { version: string; runs: { results: unknown[] }[] };
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false, validateFormats: false });
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
    const validate = ajv.compile(schema);
    assert.ok(validate(sarif), JSON.stringify(validate.errors));
    assert.equal(sarif.runs[0]?.results.length, whole.report.findings.length);

    // JUnit: the same failing cases as one audit's JUnit (which has every resource's outcome).
    const junit = readFileSync(file('m.xml'), 'utf8');
    assert.equal(XMLValidator.validate(junit), true);
    const unshardedJunit = (await runMain(['--input', DEMO, '--format', 'junit'])).stdout;
    const attrs = (xml: string) => {
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(xml) as { testsuites: Record<string, string> };
      return { tests: Number(parsed.testsuites['tests']), failures: Number(parsed.testsuites['failures']), errors: Number(parsed.testsuites['errors']) };
    };
    const m = attrs(junit);
    const u = attrs(unshardedJunit);
    assert.equal(m.failures, u.failures);
    assert.equal(m.errors, u.errors);
    assert.ok(m.failures > 0 && m.tests > m.failures, 'passing resources are counted as passing cases');
    const failedCases = (xml: string) => [...xml.matchAll(/<testcase [^>]*name="([^"]*)"[^/]*>\s*<failure/g)].map((x) => x[1]).sort();
    assert.equal(failedCases(junit).length, m.failures);
    assert.deepEqual(failedCases(junit), failedCases(unshardedJunit));
    assert.match(junit, /name="\d+ resources passed \(counted, not listed: the report has no per-resource results\)"/);

    const rows = parseCsv(readFileSync(file('m.csv'), 'utf8'), { bom: false }) as string[][];
    assert.equal(rows.length, whole.report.findings.length + 1);
    assert.match(readFileSync(file('m.md'), 'utf8'), /ssh-open-to-internet/);
    assert.match(readFileSync(file('m.html'), 'utf8'), /^<!doctype html>/i);
  });
});

describe('sg-audit merge --baseline', () => {
  test('against one audit of the whole account: everything unchanged, exit 0', async () => {
    const { code, report } = await jsonRun(['merge', usFile, euFile, '--baseline', wholeFile]);
    assert.equal(code, 0);
    assert.equal(report.summary.status, 'pass');
    assert.ok(report.findings.every((f) => f.baseline === 'unchanged'));
    assert.deepEqual(
      { new: report.baseline?.new, unchanged: report.baseline?.unchanged, fixed: report.baseline?.fixed, notRechecked: report.baseline?.notRechecked },
      { new: 0, unchanged: whole.report.findings.length, fixed: 0, notRechecked: 0 },
    );
  });

  test('a baseline finding is fixed only where a shard re-checked its rule in its account and region', async () => {
    const template = whole.report.findings.find((f) => f.ruleId === 'ssh-open-to-internet');
    assert.ok(template);
    const gone = (fingerprint: string, region: string, ruleId = template.ruleId): ReportFinding => ({
      ...template,
      ruleId,
      fingerprint,
      resource: { ...template.resource, region, id: 'sg-00000000000000000' },
    });
    const baseline = edited(wholeFile, (r) => ({
      ...r,
      findings: [...r.findings, gone('gone-in-us', 'us-east-1'), gone('gone-in-ap', 'ap-south-1'), gone('gone-unknown-rule', 'us-east-1', 'no-such-rule')],
    }));
    const both = await jsonRun(['merge', usFile, euFile, '--baseline', baseline]);
    assert.equal(both.code, 0);
    assert.equal(both.report.baseline?.fixed, 1);
    assert.deepEqual(both.report.baseline?.fixedFindings.map((f) => f.fingerprint), ['gone-in-us']);
    assert.equal(both.report.baseline?.notRechecked, 2);

    // Only the us-east-1 shard: eu-west-1's findings were not re-checked, not fixed.
    const usOnly = await jsonRun(['merge', usFile, '--baseline', baseline]);
    const euFindings = whole.report.findings.filter((f) => f.resource.region === 'eu-west-1').length;
    assert.equal(usOnly.report.baseline?.fixed, 1);
    assert.equal(usOnly.report.baseline?.notRechecked, euFindings + 2);

    // A shard where the rule was skipped (for lack of data) did not re-check it.
    const skipped = edited(usFile, (r) => ({
      ...r,
      skipped: [{ ruleId: 'ssh-open-to-internet', accountId: '123456789012', region: 'us-east-1', missing: ['securityGroups'], hint: 'add it' }],
    }));
    const notRun = await jsonRun(['merge', skipped, euFile, '--baseline', baseline]);
    assert.equal(notRun.report.baseline?.fixed, 0);
  });

  test('a new finding fails the merged run; shard baselines are dropped, with a warning', async () => {
    // A baseline without one of the critical findings: that finding is new.
    const newOne = whole.report.findings.find((f) => f.severity === 'critical');
    assert.ok(newOne);
    const older = edited(wholeFile, (r) => ({ ...r, findings: r.findings.filter((f) => f.fingerprint !== newOne.fingerprint) }));
    const merged = await jsonRun(['merge', usFile, euFile, '--baseline', older]);
    assert.equal(merged.code, 1);
    assert.equal(merged.report.summary.failing, 1);
    assert.equal(merged.report.baseline?.new, 1);

    // A shard compared with its own baseline: its marks and section do not carry over.
    const d = scratch();
    const baselined = join(d, 'baselined.json');
    await shard(baselined, US, '--baseline', wholeFile);
    assert.ok(readReport(baselined).baseline);
    const plain = await jsonRun(['merge', baselined, euFile]);
    assert.equal(plain.code, 1, 'the shard baseline does not excuse the merged findings');
    assert.equal(plain.report.baseline, undefined);
    assert.ok(plain.report.findings.every((f) => f.baseline === undefined));
    assert.deepEqual(plain.report.findings, whole.report.findings);
    assert.ok(plain.report.warnings.some((w) => w.includes('baselined.json was compared with a baseline; the merged report is not')));
  });
});

describe('sg-audit merge --help', () => {
  test('the command is listed, and its help has an example and the exit codes', async () => {
    const top = await runBin(['--help']);
    assert.match(top.stdout, /merge \[options\] <report\.json\.\.\.>/);
    const { code, stdout, stderr } = await runBin(['merge', '--help']);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    for (const text of ['--format', '--output', '--fail-on', '--baseline', '--quiet', '--no-color', 'sg-audit merge shards/*.json', 'Exit codes']) {
      assert.ok(stdout.includes(text), `merge --help mentions ${text}`);
    }
  });
});

describe('mergeReports (pure)', () => {
  test('no reports is a usage error; one report merges into itself', () => {
    assert.throws(() => mergeReports([], { version: VERSION }), /at least one JSON report/);
    const alone = mergeReports([whole.report], { version: VERSION });
    assert.deepEqual(alone.findings, whole.report.findings);
    assert.deepEqual(alone.summary, whole.report.summary);
  });
});
