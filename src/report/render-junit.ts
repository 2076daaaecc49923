// JUnit XML, as GitLab, Jenkins and the GitHub test-report actions read it: one <testsuite> per
// evaluated rule, one <testcase> per resource the rule checked. Pure: report + outcomes → text.
//
// How results map onto test cases — the test report agrees with the exit code:
//
//   outcome         the resource's findings of the rule           testcase
//   pass            —                                             passes
//   not_applicable  —                                             omitted (nothing was checked)
//   fail            at least one fails the run (failingFindings:  <failure type="<highest failing
//                   unsuppressed, new, at or above --fail-on)       severity>">, body lists them all
//   fail            all suppressed and/or unchanged in the        <skipped message="suppressed: <reason>"
//                   baseline                                        / "in baseline <file>">, listed in <system-out>
//   fail            otherwise (some below --fail-on)              passes, listed in <system-out>
//   error           —                                             <error>, with the rule error's code and message
//
// What could not be audited is never a silent pass (fail closed): a rule skipped in a region for
// lack of data is a <skipped> case in its suite, with the file that would enable it; a rule that
// could not run in a region because its data failed to collect is an <error> case there; every
// collection error is an <error> case of the suite `sg-audit.collection` (listed first).
//
// A report without per-resource results — one read back from JSON, like `sg-audit merge`'s,
// whose RenderContext has no outcomes though its rules checked resources — still agrees with the
// exit code: each rule × resource with findings becomes a failed check (the table above applies),
// and the resources that passed, known only by number (the rule's checks.pass), are one passing
// case per rule. A report whose rules checked nothing looks the same either way.
//
// Every count attribute is computed from the cases written, so it always matches the body. Text
// from input files (names, descriptions, messages, evidence) is attacker-controlled: all of it is
// escaped with entities (never CDATA, so `]]>` is plain text), control characters shown as
// visible escapes. Cases are sorted by account, region and resource id. Only the whole run is
// timed (<testsuites time>); suites and cases say time="0" (not measured) because some readers
// fail on a missing one.
import { compareStrings as cmp } from '../compare.js';
import { failingFindings } from '../engine/gate.js';
import { pushTo } from '../model/multimap.js';
import { formatPortSpan } from '../rules-kit/port-spec.js';
import { severityRank } from '../rules-kit/types.js';
import type { RenderContext } from './formats.js';
import { plural } from './describe.js';
import { forTerminal, forXml, truncate } from './sanitize.js';
import type { AuditError, AuditReport, Outcome, ReportFinding, ReportRule, SkippedRule } from './types.js';

// Characters forXml lets through that XML 1.0 still forbids: U+FFFE, U+FFFF and unpaired
// surrogates (from a JSON input's "\ud800"). Shown as escapes like the rest.
const NOT_XML_CHAR = /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text for an attribute value or element content. */
function xml(text: string): string {
  return forXml(text).replace(NOT_XML_CHAR, (ch) => `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`);
}

/** Lines of element content: each line escaped on its own (forXml would show a newline as \x0a). */
function xmlLines(lines: readonly string[]): string {
  return lines.map(xml).join('\n');
}

/** How much of a resource name a testcase name shows; the failure body has it whole. */
const NAME_WIDTH = 64;

interface TestCase {
  readonly name: string;
  readonly result:
    | { readonly kind: 'pass' }
    | { readonly kind: 'failure'; readonly message: string; readonly type: string; readonly body: readonly string[] }
    | { readonly kind: 'error'; readonly message: string; readonly type: string; readonly body: readonly string[] }
    | { readonly kind: 'skipped'; readonly message: string };
  /** Findings that do not fail the run, shown beside a passing or skipped case. */
  readonly out?: readonly string[];
}

interface TestSuite {
  readonly name: string;
  readonly classname: string;
  readonly properties: readonly (readonly [string, string])[];
  readonly cases: readonly TestCase[];
}


const resourceKey = (ruleId: string, r: { accountId: string; region: string; id: string }) => `${ruleId}\n${r.accountId}\n${r.region}\n${r.id}`;

/** Prefixes the account only when the report covers more than one. */
function scopeLabel(report: AuditReport, accountId: string, region: string): string {
  return report.run.accounts.length > 1 ? `${accountId}/${region}` : region;
}

function caseName(report: AuditReport, outcome: Outcome): string {
  const { id, name, accountId, region } = outcome.resource;
  const label = name && name !== id ? ` (${truncate(forTerminal(name), NAME_WIDTH)})` : '';
  return `${scopeLabel(report, accountId, region)}/${id}${label}`;
}

/** Why a finding that is listed does or does not fail the run. */
function findingStatus(report: AuditReport, finding: ReportFinding, fails: boolean): string {
  const { failOn } = report.run;
  if (fails) return `fails the run (${finding.severity} is at or above --fail-on ${failOn})`;
  const mark = finding.suppressed;
  if (mark) {
    const details = [
      ...(mark.owner !== undefined ? [`owner: ${mark.owner}`] : []),
      ...(mark.expires !== undefined ? [`expires ${mark.expires}`] : []),
      `suppressions[${mark.suppression}]`,
    ];
    return `suppressed: ${mark.reason} (${details.join(', ')})`;
  }
  if (finding.baseline === 'unchanged') return `unchanged since the baseline${report.baseline ? ` ${report.baseline.file}` : ''}`;
  return failOn === 'none' ? 'does not fail the run (--fail-on none)' : `below --fail-on ${failOn}`;
}

/** One finding as lines of a failure body or of system-out (escaped later, line by line). */
function findingLines(report: AuditReport, finding: ReportFinding, fails: boolean): string[] {
  const r = finding.resource;
  const name = r.name && r.name !== r.id ? ` (${r.name})` : '';
  return [
    `[${finding.severity}] ${finding.message}`,
    `  resource: ${r.type} ${r.id}${name}, account ${r.accountId}, ${r.region}${r.vpcId ? `, ${r.vpcId}` : ''}`,
    `  status: ${findingStatus(report, finding, fails)}`,
    ...(finding.ports && finding.ports.length > 0 ? [`  ports: ${finding.ports.map(formatPortSpan).join(', ')}`] : []),
    ...(finding.sources && finding.sources.length > 0 ? [`  sources: ${finding.sources.join(', ')}`] : []),
    `  evidence: ${JSON.stringify(finding.evidence)}`,
    `  remediation: ${finding.remediation}`,
    ...(finding.remediationCommand !== undefined ? [`  command: ${finding.remediationCommand}`] : []),
    `  fingerprint: ${finding.fingerprint}`,
  ];
}

/** A failed check: failure if a finding fails the run, else skipped (all accepted) or pass. */
function failedCase(report: AuditReport, name: string, findings: readonly ReportFinding[]): TestCase {
  const failing = new Set(failingFindings(findings, report.run.failOn));
  const listing = findings.flatMap((f) => findingLines(report, f, failing.has(f)));
  if (failing.size > 0) {
    // The message and type are the worst failing finding's; the body lists every finding of the case.
    const worst = [...failing].reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    const more = findings.length > 1 ? ` (${plural(findings.length, 'finding')} on this resource)` : '';
    return { name, result: { kind: 'failure', message: `${worst.message}${more}`, type: worst.severity, body: listing } };
  }
  if (findings.length === 0) {
    // Fail closed: the rule said "fail" but the report has no finding to show for it.
    const body = ['the rule reported this resource as failing, but the report holds no finding for it'];
    return { name, result: { kind: 'failure', message: body[0] as string, type: 'unknown', body } };
  }
  const accepted = findings.every((f) => f.suppressed || f.baseline === 'unchanged');
  if (!accepted) return { name, result: { kind: 'pass' }, out: listing };
  const reasons = new Set<string>();
  for (const f of findings) {
    if (f.suppressed) reasons.add(`suppressed: ${f.suppressed.reason}`);
    else reasons.add(`in baseline${report.baseline ? ` ${report.baseline.file}` : ''}`);
  }
  return { name, result: { kind: 'skipped', message: [...reasons].join('; ') }, out: listing };
}

function errorText(e: AuditError): { message: string; type: string; body: string[] } {
  return {
    message: `${e.code}: ${e.message}`,
    type: e.code,
    body: [
      `${e.code}: ${e.message}`,
      `  account ${e.accountId}, ${e.region}${e.operation ? `, ${e.operation}` : ''}${e.resourceId ? `, ${e.resourceId}` : ''}`,
      ...(e.hint ? [`  hint: ${e.hint}`] : []),
    ],
  };
}

function ruleSuite(
  report: AuditReport,
  rule: ReportRule,
  outcomes: readonly Outcome[],
  findingsOf: ReadonlyMap<string, ReportFinding[]>,
  errors: readonly AuditError[],
  skipped: readonly SkippedRule[],
  /** No per-resource results: the passing resources are one case, by number. */
  countedPasses: boolean,
): TestSuite {
  const cases: TestCase[] = [];
  const onResource = new Map(errors.filter((e) => e.resourceId !== undefined).map((e) => [resourceKey(rule.id, { ...e, id: e.resourceId ?? '' }), e]));
  const shown = new Set<AuditError>();
  const checked = outcomes
    .filter((o) => o.status !== 'not_applicable')
    .sort((a, b) => cmp(a.resource.accountId, b.resource.accountId) || cmp(a.resource.region, b.resource.region) || cmp(a.resource.id, b.resource.id));
  for (const outcome of checked) {
    const name = caseName(report, outcome);
    switch (outcome.status) {
      case 'pass':
        cases.push({ name, result: { kind: 'pass' } });
        break;
      case 'fail':
        cases.push(failedCase(report, name, findingsOf.get(resourceKey(rule.id, outcome.resource)) ?? []));
        break;
      case 'error': {
        const error = onResource.get(resourceKey(rule.id, outcome.resource));
        if (error) shown.add(error);
        const text = error
          ? errorText(error)
          : { message: 'the rule failed on this resource', type: 'RuleError', body: ['the rule failed on this resource (no error detail in the report)'] };
        cases.push({ name, result: { kind: 'error', ...text } });
        break;
      }
      case 'not_applicable':
        break;
    }
  }
  if (countedPasses && rule.checks.pass > 0) {
    cases.push({ name: `${plural(rule.checks.pass, 'resource')} passed (counted, not listed: the report has no per-resource results)`, result: { kind: 'pass' } });
  }
  // Rule errors not shown with a checked resource: the rule could not run in a region.
  for (const e of errors.filter((x) => !shown.has(x))) {
    cases.push({
      name: `${scopeLabel(report, e.accountId, e.region)}${e.resourceId ? `/${e.resourceId}` : ''}: not evaluated`,
      result: { kind: 'error', ...errorText(e) },
    });
  }
  for (const s of [...skipped].sort((a, b) => cmp(a.accountId, b.accountId) || cmp(a.region, b.region))) {
    cases.push({ name: `${scopeLabel(report, s.accountId, s.region)}: not evaluated`, result: { kind: 'skipped', message: `not evaluated: ${s.hint}` } });
  }
  return {
    name: rule.id,
    classname: `sg-audit.${rule.id}`,
    properties: [
      ['severity', rule.severity],
      ['title', rule.title],
    ],
    cases,
  };
}

/** Collection errors, and any error whose rule is not in the report (none expected; never dropped). */
function collectionSuite(report: AuditReport, errors: readonly AuditError[]): TestSuite {
  return {
    name: 'sg-audit.collection',
    classname: 'sg-audit.collection',
    properties: [],
    cases: errors.map((e) => ({
      name: `${scopeLabel(report, e.accountId, e.region)}: ${e.operation ?? (e.ruleId ? `rule ${e.ruleId}` : 'collection')}`,
      result: { kind: 'error', ...errorText(e) },
    })),
  };
}

function counts(cases: readonly TestCase[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.result.kind === 'failure').length,
    errors: cases.filter((c) => c.result.kind === 'error').length,
    skipped: cases.filter((c) => c.result.kind === 'skipped').length,
  };
}

const countAttrs = (c: ReturnType<typeof counts>) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}"`;

function renderCase(suite: TestSuite, c: TestCase): string[] {
  const open = `    <testcase classname="${xml(suite.classname)}" name="${xml(c.name)}" time="0"`;
  const inner: string[] = [];
  const r = c.result;
  if (r.kind === 'failure' || r.kind === 'error') {
    inner.push(`      <${r.kind} message="${xml(r.message)}" type="${xml(r.type)}">${xmlLines(r.body)}</${r.kind}>`);
  } else if (r.kind === 'skipped') {
    inner.push(`      <skipped message="${xml(r.message)}"/>`);
  }
  if (c.out && c.out.length > 0) inner.push(`      <system-out>${xmlLines(c.out)}</system-out>`);
  return inner.length === 0 ? [`${open}/>`] : [`${open}>`, ...inner, '    </testcase>'];
}

function renderSuite(suite: TestSuite): string[] {
  const lines = [`  <testsuite name="${xml(suite.name)}" ${countAttrs(counts(suite.cases))} time="0">`];
  if (suite.properties.length > 0) {
    lines.push('    <properties>');
    for (const [name, value] of suite.properties) lines.push(`      <property name="${xml(name)}" value="${xml(value)}"/>`);
    lines.push('    </properties>');
  }
  for (const c of suite.cases) lines.push(...renderCase(suite, c));
  lines.push('  </testsuite>');
  return lines;
}

/** Seconds between the run's start and end, as the report recorded them (0 when unknown). */
function runSeconds(report: AuditReport): string {
  const ms = Date.parse(report.run.finishedAt) - Date.parse(report.run.startedAt);
  return Number.isFinite(ms) && ms > 0 ? String(ms / 1000) : '0';
}

const checkedAny = (rule: ReportRule) => rule.checks.pass + rule.checks.fail + rule.checks.notApplicable + rule.checks.error > 0;

/** A failed check per rule × resource with findings, for a report that has no outcomes. */
function outcomesFromFindings(findings: readonly ReportFinding[]): Outcome[] {
  const byResource = new Map<string, Outcome>();
  for (const f of findings) {
    const key = resourceKey(f.ruleId, f.resource);
    if (!byResource.has(key)) byResource.set(key, { ruleId: f.ruleId, resource: f.resource, status: 'fail' });
  }
  return [...byResource.values()];
}

export function renderJunit(report: AuditReport, ctx: RenderContext): string {
  const findingsOf = new Map<string, ReportFinding[]>();
  for (const f of report.findings) pushTo(findingsOf, resourceKey(f.ruleId, f.resource), f);
  // An audit's outcomes are what its rules checked: none, with findings or checks, means a report read back.
  const readBack = ctx.outcomes.length === 0 && (report.findings.length > 0 || report.rules.some(checkedAny));
  const outcomesOf = new Map<string, Outcome[]>();
  for (const o of readBack ? outcomesFromFindings(report.findings) : ctx.outcomes) pushTo(outcomesOf, o.ruleId, o);
  const ruleIds = new Set(report.rules.map((r) => r.id));
  const collectionErrors = report.errors.filter((e) => e.kind !== 'rule' || e.ruleId === undefined || !ruleIds.has(e.ruleId));
  const suites: TestSuite[] = [];
  if (collectionErrors.length > 0) suites.push(collectionSuite(report, collectionErrors));
  for (const rule of [...report.rules].sort((a, b) => cmp(a.id, b.id))) {
    suites.push(
      ruleSuite(
        report,
        rule,
        outcomesOf.get(rule.id) ?? [],
        findingsOf,
        report.errors.filter((e) => e.kind === 'rule' && e.ruleId === rule.id),
        report.skipped.filter((s) => s.ruleId === rule.id),
        readBack,
      ),
    );
  }
  const total = counts(suites.flatMap((s) => s.cases));
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sg-audit" ${countAttrs(total)} time="${runSeconds(report)}">`,
    ...suites.flatMap(renderSuite),
    '</testsuites>',
    '',
  ].join('\n');
}
