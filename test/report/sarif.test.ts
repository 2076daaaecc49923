// The SARIF report: goldens, the official SARIF 2.1.0 schema, and what GitHub code scanning
// needs beyond the schema (a relative artifact URI on every result, partial fingerprints, a
// numeric-string security-severity on every rule, and its upload limits: past them, the most
// important results kept and what was left out said). Runs go through main() with a fixed clock,
// and each SARIF log is checked against the JSON report of the same run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, test } from 'node:test';
import AjvDraft04 from 'ajv-draft-04';
import { Chalk } from 'chalk';
import type { Log, Result, Run } from 'sarif';
import type { RenderContext } from '../../src/report/formats.js';
import { FINGERPRINT_KEY, GITHUB_SARIF_LIMITS, renderSarif, type LeftOut } from '../../src/report/render-sarif.js';
import type { AuditReport, ReportFinding } from '../../src/report/types.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';
import { assertGolden } from '../helpers/golden.js';

const DEMO = ['--input', 'examples/demo-account'];
const HOSTILE = ['--input', 'test/fixtures/hostile'];

const SCHEMA_FILE = join(REPO_ROOT, 'node_modules', '@microsoft', 'jest-sarif', 'lib', 'schemas', 'sarif-2.1.0-rtm.5.json');
const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object;

// RFC 3986 characters, with escapes as %XX; the schema's uri formats need no more than that here.
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

function sarifValidator() {
  // The CommonJS module is the class itself; `.default` is what its type declarations name.
  // unicodeRegExp off: the schema's `language` pattern has a stray `]`, legal only without the u flag.
  const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (value: string) => URI_SCHEME.test(value) && URI_CHARS.test(value));
  ajv.addFormat('uri-reference', (value: string) => URI_CHARS.test(value));
  ajv.addFormat('date-time', (value: string) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/.test(value));
  return ajv.compile(SCHEMA);
}
const validate = sarifValidator();

function assertValidSarif(log: unknown, what: string): void {
  const valid = validate(log);
  assert.ok(valid, `${what} is not valid SARIF 2.1.0:\n${JSON.stringify(validate.errors, null, 2)}`);
}

async function run(args: readonly string[]): Promise<{ code: number; text: string; log: Log; report: AuditReport }> {
  const sarif = await runMain([...args, '--format', 'sarif']);
  const json = await runMain([...args, '--format', 'json']);
  assert.equal(sarif.code, json.code, sarif.stderr);
  return { code: sarif.code, text: sarif.stdout, log: JSON.parse(sarif.stdout) as Log, report: JSON.parse(json.stdout) as AuditReport };
}

function onlyRun(log: Log): Run {
  assert.equal(log.runs.length, 1);
  return log.runs[0] as Run;
}

function resultsOf(log: Log): Result[] {
  return onlyRun(log).results ?? [];
}

function uriOf(result: Result): string {
  return result.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? '';
}

const LEVEL = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' } as const;

/** What GitHub code scanning needs beyond the schema, and agreement with the JSON report. */
function assertGitHubReady(log: Log, report: AuditReport): void {
  assert.equal(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
  assert.equal(log.version, '2.1.0');
  const { driver } = onlyRun(log).tool;
  assert.equal(driver.name, 'sg-audit');
  assert.equal(driver.semanticVersion, report.tool.version);
  const rules = driver.rules ?? [];
  assert.deepEqual(
    rules.map((r) => r.id),
    report.rules.map((r) => r.id),
    'every evaluated rule is described, findings or not',
  );
  for (const rule of rules) {
    const severity = rule.properties?.['security-severity'];
    assert.equal(typeof severity, 'string', `${rule.id}: security-severity is a string`);
    assert.match(severity as string, /^\d{1,2}\.\d$/, rule.id);
    const score = Number(severity);
    assert.ok(score > 0 && score <= 10, `${rule.id}: ${score} is a GitHub security severity (0.1-10)`);
    assert.ok(rule.properties?.tags?.includes('security'), `${rule.id} is tagged security`);
    for (const text of [rule.shortDescription?.text, rule.fullDescription?.text]) {
      assert.ok(text && text.length <= 1024, `${rule.id}: a description within GitHub's 1024 characters`);
    }
    assert.ok(rule.help?.text, `${rule.id}: help text (GitHub requires it)`);
  }

  const results = resultsOf(log);
  assert.equal(results.length, report.findings.length, 'one result per finding, suppressed ones included');
  results.forEach((result, i) => {
    const finding = report.findings[i] as ReportFinding;
    assert.equal(result.ruleId, finding.ruleId);
    assert.equal(rules[result.ruleIndex ?? -1]?.id, result.ruleId, 'ruleIndex points at the rule');
    assert.equal(result.level, LEVEL[finding.severity]);
    const uri = uriOf(result);
    assert.ok(uri.length > 0, 'an artifact URI');
    assert.doesNotMatch(uri, URI_SCHEME, `${uri}: no scheme`);
    assert.ok(!uri.startsWith('/') && !uri.includes('\\'), `${uri}: a relative path with forward slashes`);
    assert.ok(!uri.split('/').includes('..'), `${uri}: stays inside the repository`);
    assert.equal(result.partialFingerprints?.[FINGERPRINT_KEY], finding.fingerprint, 'the fingerprint of the JSON report');
    assert.ok(result.partialFingerprints?.['primaryLocationLineHash'], 'the fingerprint GitHub matches alerts by');
    assert.equal(result.baselineState, finding.baseline);
    if (finding.suppressed) {
      assert.equal(result.suppressions?.length, 1, `${finding.fingerprint} is suppressed`);
      assert.equal(result.suppressions?.[0]?.kind, 'external');
      assert.equal(result.suppressions?.[0]?.status, 'accepted');
    } else {
      assert.equal(result.suppressions, undefined, `${finding.fingerprint} is not suppressed`);
    }
    const [logical] = result.locations?.[0]?.logicalLocations ?? [];
    assert.equal(logical?.name, finding.resource.id);
    assert.equal(logical?.kind, 'resource');
  });
  const fingerprints = results.map((r) => r.partialFingerprints?.['primaryLocationLineHash']);
  assert.equal(new Set(fingerprints).size, fingerprints.length, 'no two results share an alert identity');
  assertWithinGitHubLimits(log);
}

/** GitHub's documented upload limits: past any of them the whole file is rejected. */
function assertWithinGitHubLimits(log: Log, text = `${JSON.stringify(log, null, 2)}\n`): void {
  const L = GITHUB_SARIF_LIMITS;
  assert.ok(log.runs.length <= L.runsPerFile);
  for (const run of log.runs) {
    assert.ok((run.results ?? []).length <= L.resultsPerRun, `${run.results?.length} results in a run`);
    assert.ok((run.tool.driver.rules ?? []).length <= L.rulesPerRun);
    for (const rule of run.tool.driver.rules ?? []) assert.ok((rule.properties?.tags ?? []).length <= L.tagsPerRule);
    for (const result of run.results ?? []) assert.ok((result.locations ?? []).length <= L.locationsPerResult);
  }
  if (text.length > L.gzipBytes / 2) assert.ok(gzipSync(text).length <= L.gzipBytes, 'under 10 MB gzip-compressed');
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** The demo account's findings `copies` times, each copy its own resource and fingerprint, sorted as the engine sorts. */
function copiesOf(report: AuditReport, copies: number): ReportFinding[] {
  return Array.from({ length: copies }, (_, copy) =>
    report.findings.map((f) => ({ ...f, fingerprint: `${f.fingerprint}-${copy}`, resource: { ...f.resource, id: `${f.resource.id}-${copy}` } })),
  )
    .flat()
    .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
}

/**
 * What docs/formats.md promises to keep first: a finding that fails the run, then one new since
 * the baseline (unsuppressed), then the more severe, then the unsuppressed. Higher is kept first.
 */
function importance(f: ReportFinding, failOn: string): number[] {
  const fails = failOn !== 'none' && !f.suppressed && f.baseline !== 'unchanged' && SEVERITY_ORDER.indexOf(f.severity) <= SEVERITY_ORDER.indexOf(failOn as 'high');
  return [fails ? 1 : 0, f.baseline === 'new' && !f.suppressed ? 1 : 0, 4 - SEVERITY_ORDER.indexOf(f.severity), f.suppressed ? 0 : 1];
}

function compareImportance(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) - (b[i] as number);
  return 0;
}

/** The results kept are the most important ones: none left out is more important than one kept. */
function assertKeptMostImportant(report: AuditReport, log: Log): { kept: ReportFinding[]; dropped: ReportFinding[] } {
  const keptPrints = new Set(resultsOf(log).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]));
  const kept = report.findings.filter((f) => keptPrints.has(f.fingerprint));
  const dropped = report.findings.filter((f) => !keptPrints.has(f.fingerprint));
  assert.equal(kept.length, resultsOf(log).length, 'each result is one finding');
  const least = kept.map((f) => importance(f, report.run.failOn)).reduce((m, x) => (compareImportance(x, m) < 0 ? x : m));
  for (const f of dropped) assert.ok(compareImportance(importance(f, report.run.failOn), least) <= 0, `${f.fingerprint} (${f.severity}) left out before a less important one`);
  // Kept in the report's order.
  assert.deepEqual(resultsOf(log).map((r) => r.partialFingerprints?.[FINGERPRINT_KEY]), kept.map((f) => f.fingerprint));
  return { kept, dropped };
}

/** run.properties.leftOut counts exactly the findings left out. */
function assertLeftOut(report: AuditReport, log: Log, dropped: readonly ReportFinding[]): LeftOut {
  const left = onlyRun(log).properties?.['leftOut'] as LeftOut;
  assert.ok(left, 'the run says what it left out');
  assert.equal(left.results, dropped.length);
  assert.equal(left.of, report.findings.length);
  for (const sev of SEVERITY_ORDER) assert.equal(left.bySeverity[sev], dropped.filter((f) => f.severity === sev).length, sev);
  const byRule: Record<string, number> = {};
  for (const f of dropped) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
  assert.deepEqual({ ...left.byRule }, byRule);
  assert.deepEqual(Object.values(left.byRule), Object.values(left.byRule).sort((a, b) => b - a), 'most first');
  assert.equal(left.suppressed, dropped.filter((f) => f.suppressed).length);
  const notes = (onlyRun(log).invocations?.[0]?.toolExecutionNotifications ?? []).filter((n) => n.message.text?.startsWith('the SARIF report leaves out'));
  assert.equal(notes.length, 1, 'a tool notification says it too');
  assert.equal(notes[0]?.level, 'warning');
  return left;
}

/** A saved account of `groups` security groups, five findings each on average (critical to info). */
function wideAccount(groups: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-wide-'));
  mkdirSync(join(dir, 'us-east-1'));
  const open = (port: number, cidr: string) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: cidr }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] });
  const all = { IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] };
  const SecurityGroups = Array.from({ length: groups }, (_, i) => ({
    GroupId: `sg-${i.toString(16).padStart(17, '0')}`,
    GroupName: `g${i}`,
    Description: 'generated',
    OwnerId: '123456789012',
    VpcId: `vpc-${(i % 10).toString(16).padStart(17, '0')}`,
    IpPermissions: i % 3 === 0 ? [all] : [open(22, '0.0.0.0/0'), open(3389, '0.0.0.0/0'), open(5432, '0.0.0.0/0'), open(443, '52.0.0.0/8')],
    IpPermissionsEgress: [all],
  }));
  writeFileSync(join(dir, 'us-east-1', 'describe-security-groups.json'), JSON.stringify({ SecurityGroups }));
  return dir;
}

function renderContext(cwd: string = process.cwd()): RenderContext {
  return { chalk: new Chalk({ level: 0 }), width: 100, outcomes: [], cwd };
}

/** The JSON report as a live audit would have it: no finding was read from a file. */
function withoutOrigins(report: AuditReport): AuditReport {
  return {
    ...report,
    findings: report.findings.map((f) => {
      const { origin, ...resource } = f.resource;
      void origin;
      return { ...f, resource };
    }),
  };
}

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sg-audit-sarif-')), name);
  writeFileSync(file, text);
  return file;
}

const demo = await run(DEMO);
const hostile = await run(HOSTILE);

describe('SARIF report', () => {
  test('golden: demo account', () => {
    assert.equal(demo.code, 1);
    assertGolden('sarif/demo-account.sarif', demo.text);
  });

  test('golden: hostile strings', () => {
    assertGolden('sarif/hostile.sarif', hostile.text);
  });

  test('two-space JSON with a trailing newline, the same bytes on every run', async () => {
    assert.ok(demo.text.endsWith('}\n'));
    assert.equal(demo.text, `${JSON.stringify(demo.log, null, 2)}\n`);
    assert.equal((await runMain([...DEMO, '--format', 'sarif'])).stdout, demo.text);
  });

  test('valid against the SARIF 2.1.0 schema', () => {
    assertValidSarif(demo.log, 'demo');
    assertValidSarif(hostile.log, 'hostile');
  });

  test('what GitHub code scanning needs: demo and hostile', () => {
    assertGitHubReady(demo.log, demo.report);
    assertGitHubReady(hostile.log, hostile.report);
  });

  test('rule descriptors: level, security-severity and help from the rule', () => {
    const rules = onlyRun(demo.log).tool.driver.rules ?? [];
    const ssh = rules.find((r) => r.id === 'ssh-open-to-internet');
    assert.equal(ssh?.name, 'SshOpenToInternet');
    assert.equal(ssh?.defaultConfiguration?.level, 'error');
    assert.equal(ssh?.properties?.['security-severity'], '8.0');
    assert.equal(ssh?.properties?.['precision'], 'very-high');
    const rule = demo.report.rules.find((r) => r.id === 'ssh-open-to-internet');
    assert.equal(ssh?.shortDescription?.text, rule?.title);
    assert.equal(ssh?.fullDescription?.text, rule?.description);
    for (const part of [rule?.description, rule?.remediation, ...(rule?.references ?? [])]) {
      assert.ok(ssh?.help?.text.includes(part ?? '\u0000'), `help has: ${part}`);
      assert.ok(ssh?.help?.markdown?.includes(part ?? '\u0000'), `help markdown has: ${part}`);
    }
    const info = rules.find((r) => r.id === 'unrestricted-egress');
    assert.equal(info?.defaultConfiguration?.level, 'note');
    assert.equal(info?.properties?.['security-severity'], '1.0', 'info is still a security result (0.0 would not be)');
  });

  test('offline: the artifact is the input file, relative to the working directory', () => {
    const results = resultsOf(demo.log);
    results.forEach((result, i) => assert.equal(uriOf(result), demo.report.findings[i]?.resource.origin));
    assert.ok(results.some((r) => uriOf(r) === 'examples/demo-account/us-east-1/describe-security-groups.json'));
    const first = results[0] as Result;
    const finding = demo.report.findings[0] as ReportFinding;
    assert.deepEqual(first.locations?.[0]?.logicalLocations, [
      { name: finding.resource.id, fullyQualifiedName: finding.resource.arn, kind: 'resource' },
    ]);
    assert.equal(first.locations?.[0]?.physicalLocation?.region, undefined, 'about a resource, not a line of the file');
  });

  test('live (no origin): a logical path per resource', () => {
    const log = JSON.parse(renderSarif(withoutOrigins(demo.report), renderContext()).text) as Log;
    assertValidSarif(log, 'live-style');
    assertGitHubReady(log, demo.report);
    resultsOf(log).forEach((result, i) => {
      const { accountId, region, type, id } = (demo.report.findings[i] as ReportFinding).resource;
      assert.equal(uriOf(result), `aws/${accountId}/${region}/${type}/${id}`);
    });
  });

  test('an absolute input path: relative to the working directory, or the logical path when outside it', () => {
    const absolute = {
      ...demo.report,
      findings: demo.report.findings.map((f) => ({ ...f, resource: { ...f.resource, origin: join(REPO_ROOT, f.resource.origin ?? '') } })),
    };
    const finding = demo.report.findings[0] as ReportFinding;
    const inside = JSON.parse(renderSarif(absolute, renderContext(REPO_ROOT)).text) as Log;
    assert.equal(uriOf(resultsOf(inside)[0] as Result), finding.resource.origin);
    const outside = JSON.parse(renderSarif(absolute, renderContext(mkdtempSync(join(tmpdir(), 'sg-audit-elsewhere-')))).text) as Log;
    const { accountId, region, type, id } = finding.resource;
    assert.equal(uriOf(resultsOf(outside)[0] as Result), `aws/${accountId}/${region}/${type}/${id}`);
  });

  test('a hostile resource id cannot make a path that climbs or a URI with a scheme', () => {
    const live = withoutOrigins(demo.report);
    const finding = live.findings[0] as ReportFinding;
    const ids = ['..', 'https://evil.example/x', '/etc/passwd', 'a b#c?d%'];
    const findings = ids.map((id) => ({ ...finding, fingerprint: id, resource: { ...finding.resource, id } }));
    const log = JSON.parse(renderSarif({ ...live, findings }, renderContext()).text) as Log;
    assertValidSarif(log, 'hostile ids');
    const uris = resultsOf(log).map(uriOf);
    const base = `aws/${finding.resource.accountId}/${finding.resource.region}/${finding.resource.type}`;
    assert.deepEqual(uris, [`${base}/%2E%2E`, `${base}/https%3A%2F%2Fevil.example%2Fx`, `${base}/%2Fetc%2Fpasswd`, `${base}/a%20b%23c%3Fd%25`]);
  });

  test('messages: the finding, the resource and where it is', () => {
    const result = resultsOf(demo.log)[0] as Result;
    const finding = demo.report.findings[0] as ReportFinding;
    assert.ok(result.message.text?.startsWith(finding.message.replace(/[[\]]/g, '\\$&')));
    assert.ok(result.message.text?.includes(finding.resource.id));
    assert.ok(result.message.text?.includes(finding.resource.region));
    assert.ok(result.message.text?.includes(finding.resource.accountId));
  });

  test('hostile text: no raw control, bidi or C1 characters; shown escaped, brackets not links', () => {
    assert.doesNotMatch(hostile.text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/);
    const messages = resultsOf(hostile.log).map((r) => r.message.text ?? '');
    assert.ok(messages.some((m) => m.includes('"evil\\x1b\\[31m RED ')), 'the ESC is visible, not obeyed');
    assert.ok(messages.some((m) => m.includes('\\u{202e}evil-rtl')), 'the bidi override is visible');
    for (const m of messages) assert.doesNotMatch(m, /(^|[^\\])[[\]]/, `no unescaped square bracket (an embedded link): ${m}`);
    // The data itself is exact, as in the JSON report.
    const names = resultsOf(hostile.log).map((r) => (r.properties?.['resource'] as { name: string }).name);
    assert.deepEqual(names, hostile.report.findings.map((f) => f.resource.name));
  });

  test('skipped rules and warnings are tool notifications; a complete audit succeeded', () => {
    const [invocation] = onlyRun(hostile.log).invocations ?? [];
    assert.equal(invocation?.executionSuccessful, true);
    assert.equal(invocation?.startTimeUtc, hostile.report.run.startedAt);
    assert.equal(invocation?.endTimeUtc, hostile.report.run.finishedAt);
    const notes = invocation?.toolExecutionNotifications ?? [];
    assert.equal(notes.filter((n) => n.level === 'note').length, hostile.report.skipped.length);
    assert.equal(notes.filter((n) => n.level === 'warning').length, hostile.report.warnings.length);
    const rules = onlyRun(hostile.log).tool.driver.rules ?? [];
    for (const n of notes.filter((x) => x.level === 'note')) {
      assert.equal(rules[n.associatedRule?.index ?? -1]?.id, n.associatedRule?.id);
    }
  });

  test('an incomplete audit: executionSuccessful false, one error notification per error', () => {
    const report: AuditReport = {
      ...demo.report,
      summary: { ...demo.report.summary, status: 'incomplete', errors: 2 },
      errors: [
        {
          kind: 'collection',
          accountId: '123456789012',
          region: 'eu-west-1',
          operation: 'DescribeSecurityGroups',
          code: 'UnauthorizedOperation',
          message: 'You are not authorized \u001b[31m',
          hint: 'grant ec2:DescribeSecurityGroups',
        },
        { kind: 'rule', accountId: '123456789012', region: 'us-east-1', ruleId: 'unused-sg', resourceId: 'sg-1', code: 'RuleError', message: 'x' },
      ],
    };
    const { text } = renderSarif(report, renderContext());
    const log = JSON.parse(text) as Log;
    assertValidSarif(log, 'incomplete');
    assert.doesNotMatch(text, /\u001b/);
    const [invocation] = onlyRun(log).invocations ?? [];
    assert.equal(invocation?.executionSuccessful, false);
    const errors = (invocation?.toolExecutionNotifications ?? []).filter((n) => n.level === 'error');
    assert.equal(errors.length, 2);
    assert.equal(
      errors[0]?.message.text,
      'account 123456789012, eu-west-1, DescribeSecurityGroups: UnauthorizedOperation — You are not authorized \\x1b\\[31m (grant ec2:DescribeSecurityGroups)',
    );
    assert.equal(errors[0]?.associatedRule, undefined);
    const rules = onlyRun(log).tool.driver.rules ?? [];
    assert.deepEqual(errors[1]?.associatedRule, { id: 'unused-sg', index: rules.findIndex((r) => r.id === 'unused-sg') });
  });

  test('with a baseline and a suppression: baselineState, suppressions, still valid', async () => {
    const earlier = await runMain([...DEMO, '--rule', 'ssh-open-to-internet', '--format', 'json']);
    const baselineFile = tempFile('baseline.json', earlier.stdout);
    const ssh = (JSON.parse(earlier.stdout) as AuditReport).findings[0] as ReportFinding;
    const suppression = [
      'rule: ssh-open-to-internet',
      `resource: ${ssh.resource.id}`,
      'reason: "bastion [VPN only]"',
      'owner: platform',
      'expires: 2026-06-30',
    ];
    const config = tempFile('sg-audit.yml', `suppressions:\n  - ${suppression.join('\n    ')}\n`);
    const { log, report } = await run([...DEMO, '--config', config, '--baseline', baselineFile]);
    assertValidSarif(log, 'baseline + suppression');
    assertGitHubReady(log, report);
    const results = resultsOf(log);
    assert.ok(results.some((r) => r.baselineState === 'unchanged') && results.some((r) => r.baselineState === 'new'));
    const suppressed = results.filter((r) => r.suppressions);
    assert.equal(suppressed.length, report.summary.suppressed);
    assert.ok(suppressed.length >= 1);
    assert.deepEqual(suppressed[0]?.suppressions, [
      {
        kind: 'external',
        status: 'accepted',
        justification: 'bastion \\[VPN only\\] (owner: platform, expires 2026-06-30)',
        properties: { suppression: 0, owner: 'platform', expires: '2026-06-30' },
      },
    ]);
    assert.equal(suppressed[0]?.partialFingerprints?.[FINGERPRINT_KEY], ssh.fingerprint);
    const summary = onlyRun(log).properties?.['baseline'] as { new: number; unchanged: number };
    assert.equal(summary.unchanged, report.baseline?.unchanged);
    assert.equal(summary.new, report.baseline?.new);
  });

  test('within the limits: every result, nothing said to be left out', () => {
    const rendered = renderSarif(demo.report, renderContext());
    assert.deepEqual(rendered.notes, []);
    assert.equal(onlyRun(demo.log).properties?.['leftOut'], undefined);
  });

  test('over 25,000 findings: 25,000 results, the most important; the rest counted in the run, a notification and a note', () => {
    // 26,070 findings: some new since a baseline, some suppressed; high and above fail the run.
    const findings = copiesOf(demo.report, 330).map((f, i): ReportFinding => ({
      ...f,
      baseline: i % 50 === 0 ? 'new' : 'unchanged',
      ...(i % 7 === 0 ? { suppressed: { reason: 'accepted', suppression: 0 } } : {}),
    }));
    const report: AuditReport = {
      ...demo.report,
      findings,
      baseline: { file: 'old.json', new: findings.filter((f) => f.baseline === 'new').length, unchanged: 0, fixed: 0, notRechecked: 0, fixedFindings: [] },
    };
    assert.ok(findings.length > GITHUB_SARIF_LIMITS.resultsPerRun);
    const { text, notes } = renderSarif(report, renderContext());
    const log = JSON.parse(text) as Log;
    assertValidSarif(log, '25,000 results');
    assertWithinGitHubLimits(log, text);
    assert.equal(resultsOf(log).length, 25_000);
    const { kept, dropped } = assertKeptMostImportant(report, log);
    assert.ok(kept.some((f) => f.severity === 'info' && f.baseline === 'new'), 'a new info finding outranks unchanged ones');
    assert.ok(dropped.every((f) => f.baseline === 'unchanged' || f.suppressed));
    const left = assertLeftOut(report, log, dropped);
    assert.equal(left.because, 'GitHub code scanning takes at most 25000 results a run');
    assert.equal(left.failing, 0);
    assert.equal(left.new, dropped.filter((f) => f.baseline === 'new').length);
    // The same in one line for stderr, worst first.
    assert.equal(notes.length, 1);
    const severities = SEVERITY_ORDER.filter((s) => left.bySeverity[s] > 0).map((s) => `${left.bySeverity[s]} ${s}`).join(', ');
    assert.ok(notes[0]?.startsWith(`the SARIF report leaves out ${dropped.length} of ${findings.length} results (GitHub code scanning takes at most 25000 results a run): ${severities}; by rule: `), notes[0]);
    assert.ok(notes[0]?.endsWith('(run.properties.leftOut in the file; the JSON report has every finding)'));
    // The run's summary still counts every finding.
    assert.deepEqual(onlyRun(log).properties?.['summary'], report.summary);
  });

  test('over the upload size: the least important results go until it fits, and the run says why', () => {
    const report: AuditReport = { ...demo.report, findings: copiesOf(demo.report, 20) };
    const full = renderSarif(report, renderContext(), { results: 25_000, gzipBytes: Number.MAX_SAFE_INTEGER }).text;
    const limit = Math.floor(gzipSync(full).length / 3);
    const { text, notes } = renderSarif(report, renderContext(), { results: 25_000, gzipBytes: limit });
    assert.ok(gzipSync(text).length <= limit, `${gzipSync(text).length} bytes gzip-compressed, over ${limit}`);
    const log = JSON.parse(text) as Log;
    assertValidSarif(log, 'cut to size');
    const kept = resultsOf(log).length;
    assert.ok(kept > report.findings.length / 4 && kept < report.findings.length / 2, `${kept} of ${report.findings.length} kept`);
    const { dropped } = assertKeptMostImportant(report, log);
    const left = assertLeftOut(report, log, dropped);
    assert.equal(left.because, "a file must stay under GitHub's 10 MB upload limit, gzip-compressed");
    assert.ok(left.failing > 0 || dropped.every((f) => SEVERITY_ORDER.indexOf(f.severity) > 1));
    assert.match(notes[0] ?? '', /^the SARIF report leaves out \d+ of 1580 results \(a file must stay under GitHub's 10 MB upload limit, gzip-compressed\)/);
  });

  test('a generated account of 26,010 findings through the CLI: 25,000 results, one warning line, also with --quiet', async () => {
    // 1,734 groups open to all traffic (3 findings each) and 3,468 with four open ports (6 each).
    const dir = wideAccount(5_202);
    const total = 1_734 * 3 + 3_468 * 6;
    const out = mkdtempSync(join(tmpdir(), 'sg-audit-wide-out-'));
    const sarifFile = join(out, 'sg.sarif');
    const { code, stdout, stderr } = await runMain(['--input', dir, '--format', `sarif=${sarifFile}`, '--quiet']);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    const text = readFileSync(sarifFile, 'utf8');
    const log = JSON.parse(text) as Log;
    assertWithinGitHubLimits(log, text);
    assert.equal(resultsOf(log).length, 25_000);
    const left = onlyRun(log).properties?.['leftOut'] as LeftOut;
    assert.equal(left.of, total);
    // Info findings (one per group) are the least important: those over 25,000 go.
    const over = total - 25_000;
    assert.deepEqual(left.bySeverity, { critical: 0, high: 0, medium: 0, low: 0, info: over });
    assert.deepEqual(left.byRule, { 'unrestricted-egress': over });
    // What a dropped result means for code scanning is said even with --quiet: one line.
    assert.equal(
      stderr,
      `sg-audit: warning: the SARIF report leaves out ${over} of ${total} results (GitHub code scanning takes at most 25000 results a run): ${over} info; by rule: unrestricted-egress ${over} (run.properties.leftOut in the file; the JSON report has every finding)\n`,
    );
  });
});
