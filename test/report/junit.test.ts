// The JUnit report: goldens, then the XML parsed back — well-formed, counts that agree with the
// body and with the exit code, hostile text escaped but intact, suppressions and baselines as
// skipped cases, and everything that could not be audited shown as skipped or error cases.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Chalk } from 'chalk';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { failingFindings } from '../../src/engine/gate.js';
import type { ResourceRef } from '../../src/model/types.js';
import { renderJunit } from '../../src/report/render-junit.js';
import { forTerminal } from '../../src/report/sanitize.js';
import type { AuditReport, Outcome, ReportFinding } from '../../src/report/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'] as const;
const HOSTILE = ['--input', 'test/fixtures/hostile'] as const;

interface Result {
  readonly message?: string;
  readonly type?: string;
  readonly '#text'?: string;
}

interface Case {
  readonly classname: string;
  readonly name: string;
  readonly failure?: Result;
  readonly error?: Result;
  readonly skipped?: Result | '';
  readonly 'system-out'?: string;
}

interface Counts {
  readonly tests: string;
  readonly failures: string;
  readonly errors: string;
  readonly skipped: string;
}

interface Suite extends Counts {
  readonly name: string;
  readonly properties?: { readonly property: readonly { name: string; value: string }[] };
  readonly testcase?: readonly Case[];
}

interface Parsed {
  readonly testsuites: Counts & { readonly name: string; readonly time: string; readonly testsuite?: readonly Suite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Numeric character references (&#39;) too.
  htmlEntities: true,
  parseAttributeValue: false,
  parseTagValue: false,
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

/** Parses the XML, and checks that it is well-formed and that every count agrees with the body. */
function parseJunit(xml: string): Parsed {
  assert.equal(XMLValidator.validate(xml), true);
  assert.ok(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n'));
  // XML 1.0 forbids C0 controls other than tab/LF/CR, and U+FFFE/U+FFFF; none may appear raw.
  assert.doesNotMatch(xml, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufffe\uffff]/);
  const parsed = parser.parse(xml) as Parsed;
  const suites = parsed.testsuites.testsuite ?? [];
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const suite of suites) {
    const cases = suite.testcase ?? [];
    const body = {
      tests: cases.length,
      failures: cases.filter((c) => c.failure !== undefined).length,
      errors: cases.filter((c) => c.error !== undefined).length,
      skipped: cases.filter((c) => c.skipped !== undefined).length,
    };
    assert.deepEqual(countsOf(suite), body, `counts of testsuite ${suite.name}`);
    for (const c of cases) {
      const results = [c.failure, c.error, c.skipped].filter((r) => r !== undefined);
      assert.ok(results.length <= 1, `${suite.name} / ${c.name}: one result at most`);
      assert.equal(c.classname, suite.name.startsWith('sg-audit.') ? suite.name : `sg-audit.${suite.name}`);
    }
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += body[key];
  }
  assert.deepEqual(countsOf(parsed.testsuites), total, 'counts of testsuites');
  return parsed;
}

function countsOf(c: Counts): Record<keyof Counts, number> {
  return { tests: Number(c.tests), failures: Number(c.failures), errors: Number(c.errors), skipped: Number(c.skipped) };
}

const casesOf = (parsed: Parsed) => (parsed.testsuites.testsuite ?? []).flatMap((s) => (s.testcase ?? []).map((c) => ({ suite: s.name, ...c })));

const skipMessage = (c: Case) => (typeof c.skipped === 'object' ? c.skipped.message : undefined);

async function junitAndJson(args: readonly string[]): Promise<{ code: number; parsed: Parsed; xml: string; report: AuditReport }> {
  const junit = await runMain([...args, '--format', 'junit']);
  const json = await runMain([...args, '--format', 'json']);
  assert.equal(junit.code, json.code);
  return { code: junit.code, xml: junit.stdout, parsed: parseJunit(junit.stdout), report: JSON.parse(json.stdout) as AuditReport };
}

/** "rule\naccount\nregion\nresource": one testcase per pair. */
const pairOf = (f: ReportFinding) => `${f.ruleId}\n${f.resource.accountId}\n${f.resource.region}\n${f.resource.id}`;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'sg-audit-junit-'));
}

describe('junit report', () => {
  test('golden: demo account', async () => {
    const { stdout } = await runMain([...DEMO, '--format', 'junit']);
    parseJunit(stdout);
    assertGolden('junit/demo-account.xml', stdout);
  });

  test('golden: hostile strings', async () => {
    const { stdout } = await runMain([...HOSTILE, '--format', 'junit']);
    parseJunit(stdout);
    assertGolden('junit/hostile.xml', stdout);
  });

  test('one suite per evaluated rule, sorted; failing cases are the (rule, resource) pairs that fail the run', async () => {
    const { code, parsed, report } = await junitAndJson(DEMO);
    assert.equal(code, 1);
    const suites = parsed.testsuites.testsuite ?? [];
    assert.deepEqual(
      suites.map((s) => s.name),
      report.rules.map((r) => r.id),
    );
    assert.deepEqual(
      suites.map((s) => s.name),
      [...suites.map((s) => s.name)].sort(),
    );
    for (const [i, suite] of suites.entries()) {
      const rule = report.rules[i]!;
      // not_applicable outcomes are omitted: the rule did not check those resources.
      assert.equal(Number(suite.tests), rule.checks.pass + rule.checks.fail + rule.checks.error + report.skipped.filter((s) => s.ruleId === rule.id).length);
      assert.deepEqual(suite.properties?.property, [
        { name: 'severity', value: rule.severity },
        { name: 'title', value: rule.title },
      ]);
    }
    const failing = failingFindings(report.findings, report.run.failOn);
    assert.ok(failing.length > 0);
    assert.equal(Number(parsed.testsuites.failures), new Set(failing.map(pairOf)).size);
    assert.equal(parsed.testsuites.name, 'sg-audit');
    assert.equal(parsed.testsuites.time, '0');
    // Every failure's type is the severity of a failing finding of that case.
    for (const c of casesOf(parsed).filter((x) => x.failure)) {
      const findings = failing.filter((f) => c.suite === f.ruleId && c.name.includes(f.resource.id));
      assert.ok(findings.length > 0, c.name);
      assert.ok(findings.some((f) => f.severity === c.failure?.type));
      for (const f of findings) assert.ok(c.failure?.['#text']?.includes(`fingerprint: ${f.fingerprint}`));
    }
  });

  test('findings below --fail-on pass, listed in system-out; --fail-on low makes them failures', async () => {
    const high = await junitAndJson(DEMO);
    const below = high.report.findings.filter((f) => f.severity === 'medium' || f.severity === 'low');
    assert.ok(below.length > 0);
    const outs = casesOf(high.parsed).filter((c) => c['system-out'] !== undefined && !c.failure);
    for (const f of below) {
      assert.ok(outs.some((c) => c['system-out']?.includes(`fingerprint: ${f.fingerprint}`)), f.fingerprint);
    }
    const low = await junitAndJson([...DEMO, '--fail-on', 'low']);
    const failing = failingFindings(low.report.findings, 'low');
    assert.equal(Number(low.parsed.testsuites.failures), new Set(failing.map(pairOf)).size);
    assert.ok(Number(low.parsed.testsuites.failures) > Number(high.parsed.testsuites.failures));
  });

  test('hostile names and messages survive, escaped: parsing back yields the sanitized text, never raw controls', async () => {
    const { xml, parsed, report } = await junitAndJson(HOSTILE);
    assert.doesNotMatch(xml, /<!\[CDATA\[/);
    assert.doesNotMatch(xml, /<script|<img/);
    const cases = casesOf(parsed);
    const text = cases.map((c) => `${c.name}\n${c.failure?.['#text'] ?? ''}\n${c['system-out'] ?? ''}`).join('\n');
    for (const f of report.findings) {
      // Names are cut in testcase names, whole in the body.
      assert.ok(text.includes(forTerminal(f.resource.name)), f.resource.name);
      assert.ok(text.includes(forTerminal(f.message)), f.message);
    }
    assert.ok(cases.some((c) => c.name.startsWith(`us-east-1/sg-0badc0ffee0000001 (${forTerminal('evil\u001b[31m RED')}`)));
    // A permission description with ]]> and a CDATA opener is plain text in the evidence line.
    assert.ok(text.includes(']]><![CDATA[ x'));
  });

  test('suppressed findings are skipped cases with the reason, and nothing fails', async () => {
    const before = await junitAndJson(DEMO);
    const pairs = new Set(before.report.findings.map(pairOf));
    const dir = tempDir();
    const config = join(dir, 'sg-audit.yml');
    const suppressions = before.report.findings
      .map((f, i) => `  - rule: ${f.ruleId}\n    resource: ${JSON.stringify(f.resource.id)}\n    reason: "accepted <#${i}> & \\"quoted\\""\n`)
      .join('');
    writeFileSync(config, `suppressions:\n${suppressions}`);
    const { code, parsed, report } = await junitAndJson([...DEMO, '--config', config]);
    assert.equal(code, 0);
    assert.equal(report.summary.suppressed, report.findings.length);
    assert.equal(Number(parsed.testsuites.failures), 0);
    const skipped = casesOf(parsed).filter((c) => skipMessage(c)?.startsWith('suppressed: '));
    assert.equal(skipped.length, pairs.size);
    assert.ok(skipped.every((c) => /^suppressed: accepted <#\d+> & "quoted"/.test(skipMessage(c) ?? '')));
    // The findings stay visible beside the skip.
    assert.ok(skipped.every((c) => c['system-out']?.includes('status: suppressed: accepted <#')));
  });

  test('with --baseline, unchanged findings are skipped cases ("in baseline") and nothing fails', async () => {
    const dir = tempDir();
    const baseline = join(dir, 'baseline.json');
    const first = await runMain([...DEMO, '--format', 'table', '--format', `json=${baseline}`]);
    assert.equal(first.code, 1);
    const { code, parsed, report } = await junitAndJson([...DEMO, '--baseline', baseline]);
    assert.equal(code, 0);
    assert.equal(report.baseline?.unchanged, report.findings.length);
    assert.equal(Number(parsed.testsuites.failures), 0);
    const skipped = casesOf(parsed).filter((c) => skipMessage(c) === `in baseline ${baseline}`);
    assert.equal(skipped.length, new Set(report.findings.map(pairOf)).size);
  });

  test('rules without their data in the input are skipped cases, one per rule and region, with the hint', async () => {
    const input = ['--input', 'examples/demo-account/us-east-1/describe-security-groups.json'];
    const { parsed, report } = await junitAndJson(input);
    assert.ok(report.skipped.length > 0);
    const notEvaluated = casesOf(parsed).filter((c) => skipMessage(c)?.startsWith('not evaluated: '));
    assert.equal(notEvaluated.length, report.skipped.length);
    assert.equal(Number(parsed.testsuites.skipped), report.skipped.length);
    for (const s of report.skipped) {
      assert.ok(notEvaluated.some((c) => c.suite === s.ruleId && skipMessage(c) === `not evaluated: ${s.hint}` && c.name === `${s.region}: not evaluated`));
    }
  });

  test('a collection error is an error case of sg-audit.collection; rules that needed the data are error cases', async () => {
    const dir = tempDir();
    const groups = JSON.parse(readFileSync(join(REPO_ROOT, 'examples/demo-account/us-east-1/describe-security-groups.json'), 'utf8')) as {
      SecurityGroups: unknown[];
    };
    const snapshot = {
      sgAuditSnapshot: 1,
      tool: { name: 'sg-audit', version: '0.0.0' },
      collectedAt: '2026-01-01T00:00:00.000Z',
      source: 'aws',
      scopes: [
        {
          accountId: '123456789012',
          region: 'us-east-1',
          kinds: {
            securityGroups: { status: 'ok', items: groups.SecurityGroups },
            networkInterfaces: {
              status: 'error',
              error: { code: 'UnauthorizedOperation', message: 'not authorized <\u001b[31m> & "x"', operation: 'DescribeNetworkInterfaces', hint: 'grant ec2:DescribeNetworkInterfaces' },
            },
          },
        },
      ],
      warnings: [],
    };
    const file = join(dir, 'snapshot.json');
    writeFileSync(file, JSON.stringify(snapshot));
    const { code, parsed, report } = await junitAndJson(['--input', file]);
    assert.equal(code, 3);
    const suites = parsed.testsuites.testsuite ?? [];
    assert.equal(suites[0]?.name, 'sg-audit.collection');
    const collection = suites[0]?.testcase ?? [];
    assert.equal(collection.length, report.errors.filter((e) => e.kind === 'collection').length);
    assert.equal(collection[0]?.name, 'us-east-1: DescribeNetworkInterfaces');
    assert.equal(collection[0]?.error?.message, `UnauthorizedOperation: ${forTerminal('not authorized <\u001b[31m> & "x"')}`);
    assert.equal(collection[0]?.error?.type, 'UnauthorizedOperation');
    assert.match(collection[0]?.error?.['#text'] ?? '', /hint: grant ec2:DescribeNetworkInterfaces/);
    // Every error of the report is one error case, and no more.
    assert.equal(Number(parsed.testsuites.errors), report.errors.length);
    for (const e of report.errors.filter((x) => x.kind === 'rule')) {
      const suite = suites.find((s) => s.name === e.ruleId);
      assert.ok(suite?.testcase?.some((c) => c.name === 'us-east-1: not evaluated' && c.error?.type === e.code), e.ruleId);
    }
  });

  describe('renderer, on a hand-made report', () => {
    const ref = (id: string, name = ''): ResourceRef => ({
      type: 'security-group',
      id,
      name,
      arn: `arn:aws:ec2:eu-west-1:111122223333:security-group/${id}`,
      accountId: '111122223333',
      region: 'eu-west-1',
    });
    const finding = (id: string, severity: ReportFinding['severity'], extra: Partial<ReportFinding> = {}): ReportFinding => ({
      ruleId: 'r',
      severity,
      title: 'T',
      message: `${severity} on ${id}`,
      resource: ref(id),
      evidence: {},
      remediation: 'fix it',
      key: `${severity}`,
      fingerprint: `fp-${id}-${severity}`,
      ...extra,
    });
    const suppressed = { suppressed: { reason: 'accepted', suppression: 0 } } as const;
    function reportWith(findings: ReportFinding[], errors: AuditReport['errors'] = []): AuditReport {
      return {
        schemaVersion: 1,
        tool: { name: 'sg-audit', version: '0.0.0' },
        run: {
          startedAt: '2026-01-02T03:04:05.000Z',
          finishedAt: '2026-01-02T03:04:06.250Z',
          source: 'file',
          accounts: ['111122223333'],
          regions: ['eu-west-1'],
          inputs: [],
          failOn: 'high',
        },
        summary: {
          status: 'incomplete',
          securityGroups: 5,
          rulesEvaluated: 1,
          findings: findings.length,
          failing: 0,
          suppressed: 0,
          errors: errors.length,
          skipped: 0,
          bySeverity: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
        },
        rules: [{ id: 'r', title: 'T \u0007', severity: 'high', description: '', remediation: '', references: [], checks: { pass: 0, fail: 0, notApplicable: 0, error: 0 } }],
        findings,
        baseline: { file: 'old.json', new: 0, unchanged: 0, fixed: 0, notRechecked: 0, fixedFindings: [] },
        suppressions: [],
        errors,
        skipped: [],
        warnings: [],
      };
    }
    const render = (report: AuditReport, outcomes: readonly Outcome[]) =>
      renderJunit(report, { chalk: new Chalk({ level: 0 }), width: 80, outcomes, cwd: REPO_ROOT });

    test('error outcomes carry their rule error; not_applicable is omitted; a fail without findings still fails', () => {
      const outcomes: Outcome[] = [
        { ruleId: 'r', resource: ref('sg-3'), status: 'error' },
        { ruleId: 'r', resource: ref('sg-1', 'web'), status: 'pass' },
        { ruleId: 'r', resource: ref('sg-2'), status: 'not_applicable' },
        { ruleId: 'r', resource: ref('sg-4'), status: 'error' },
        { ruleId: 'r', resource: ref('sg-5', 'sg-5'), status: 'fail' },
      ];
      const report = reportWith(
        [],
        [{ kind: 'rule', accountId: '111122223333', region: 'eu-west-1', ruleId: 'r', resourceId: 'sg-3', code: 'RuleError', message: 'boom \ud800 \uffff' }],
      );
      const xml = render(report, outcomes);
      const parsed = parseJunit(xml);
      assert.equal(parsed.testsuites.time, '1.25');
      const cases = casesOf(parsed);
      assert.deepEqual(
        cases.map((c) => c.name),
        ['eu-west-1/sg-1 (web)', 'eu-west-1/sg-3', 'eu-west-1/sg-4', 'eu-west-1/sg-5'],
      );
      // Unpaired surrogates and U+FFFF are not XML characters: shown as escapes.
      assert.equal(cases[1]?.error?.message, 'RuleError: boom \\u{d800} \\u{ffff}');
      assert.equal(cases[2]?.error?.type, 'RuleError');
      assert.equal(cases[3]?.failure?.type, 'unknown');
      assert.equal(parsed.testsuites.testsuite?.[0]?.properties?.property[1]?.value, 'T \\x07');
      // Deterministic: the same input renders the same bytes, whatever the outcome order.
      assert.equal(render(report, [...outcomes].reverse()), xml);
    });

    test('several findings on one resource: one case, typed by the worst failing one; accepted ones decide skip vs pass', () => {
      const findings = [
        finding('sg-1', 'critical', suppressed),
        finding('sg-1', 'high'),
        finding('sg-1', 'medium'),
        finding('sg-2', 'critical', suppressed),
        finding('sg-2', 'high', { baseline: 'unchanged' }),
        finding('sg-3', 'critical', suppressed),
        finding('sg-3', 'low'),
      ];
      const outcomes: Outcome[] = ['sg-1', 'sg-2', 'sg-3'].map((id) => ({ ruleId: 'r', resource: ref(id), status: 'fail' }));
      const cases = casesOf(parseJunit(render(reportWith(findings), outcomes)));
      assert.equal(cases.length, 3);
      const [one, two, three] = cases;
      assert.equal(one?.failure?.type, 'high');
      assert.equal(one?.failure?.message, 'high on sg-1 (3 findings on this resource)');
      const body = one?.failure?.['#text'] ?? '';
      assert.match(body, /\[critical\] critical on sg-1\n.*\n {2}status: suppressed: accepted \(suppressions\[0\]\)/);
      assert.match(body, /\[high\] high on sg-1\n.*\n {2}status: fails the run \(high is at or above --fail-on high\)/);
      assert.match(body, /\[medium\] medium on sg-1\n.*\n {2}status: below --fail-on high/);
      assert.equal(skipMessage(two!), 'suppressed: accepted; in baseline old.json');
      assert.match(two?.['system-out'] ?? '', /status: unchanged since the baseline old\.json/);
      // A finding below --fail-on is not accepted: the case passes, with both listed.
      assert.equal(three?.skipped, undefined);
      assert.equal(three?.failure, undefined);
      assert.match(three?.['system-out'] ?? '', /\[low\] low on sg-3/);
    });
  });
});
