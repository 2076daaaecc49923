// `sg-audit merge`: the JSON reports of shards (CI matrix jobs, batch tasks, each auditing some
// accounts and regions) combined into one report, as if one run had audited them all
// (DESIGN.md §8). Pure: the CLI reads the files; the version and --fail-on come in.
//
// How each part of the report merges:
//
//   run          startedAt the earliest, finishedAt the latest; accounts, regions and inputs the
//                sorted unions; source `aws` or `file` when every shard agrees, else `file` (some
//                of the data came from saved files, which inputs lists) and a warning; failOn
//                the --fail-on flag, else the shards' common one (no common one: exit 2, give
//                --fail-on); config only when every shard names the same file.
//   rules        the union by id, checks summed; a rule two shards ran with different severities
//                is listed at the highest, its findings keep their shard's severity, and a
//                warning says so.
//   findings     every shard's, de-duplicated by fingerprint (the first shard given wins), sorted
//                as the engine sorts them (compareFindings). A shard's own baseline marks are
//                dropped: a baseline applies to the merged whole (--baseline on merge).
//   --shard      reports written with --shard (run.shard) must make one whole run before anything
//                merges (checkShards): every index 1..N once, and the same N, run, plan (the
//                account × region pairs), rules and suppressions; otherwise exit 3 naming what is
//                wrong, and no report. A shard's pairs are its run.shard.pairs, not its accounts ×
//                regions. Reports without --shard merge beside them as below.
//   overlap      two shards that audited the same account and region are allowed; a warning
//                names them. Findings are de-duplicated; counts that come only as totals (rule
//                checks, security groups, suppression matches) include the overlap once per shard.
//   errors,      concatenated, exact duplicates (the same error seen by overlapping shards) once;
//   skipped      any error makes the merged report incomplete (exit 3), as in one run.
//   suppressions merged by entry: shards that ran with the same config list the same entries,
//                so an entry equal in everything but status and matched is listed once, matched
//                summed, status the most telling one (active > expired > unused > not-evaluated:
//                unused in one shard but active in another is active). Per-shard warnings about
//                suppressions are replaced by ones about the merged status. Entries that differ
//                (shards with different configs) are listed apart, with a warning if they share
//                an index; each finding keeps the mark its own shard gave it.
//   warnings     each shard's, prefixed with its file, after the merge's own.
//   summary      recomputed from the merged findings and errors by the audit's own code
//                (summarize in build.ts, the gate in src/engine/gate.ts).
//   baseline     with --baseline, the merged findings are compared with it (see coverageOf for
//                what counts as re-checked); without, any shard's baseline section is dropped.
import { compareStrings as cmp } from '../compare.js';
import { compareWithBaseline, type Baseline } from '../engine/baseline.js';
import { compareFindings } from '../engine/evaluate.js';
import type { FailOn } from '../engine/gate.js';
import { collectionError, inputError, usageError } from '../errors.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import { compareErrors, summarize } from './build.js';
import { findingIdentity, isObject, readReportJson, type ReportFile } from './read-baseline.js';
import type { AuditError, AuditReport, Outcome, ReportFinding, ReportRule, ShardReport, SkippedRule, SuppressionReport, SuppressionStatus } from './types.js';

export interface MergeOptions {
  /** The shards' files, in the order of `reports`: how warnings name them (default: #1, #2, …). */
  readonly files?: readonly string[];
  /** This sg-audit's version: the merged report's tool.version. */
  readonly version: string;
  /** --fail-on; without it, the shards' common failOn. */
  readonly failOn?: FailOn;
  /** --baseline: the merged findings are compared with this earlier report. */
  readonly baseline?: Baseline;
}

// ── Reading a shard ──────────────────────────────────────────────────────────────────────────

const HINT = 'merge reads the JSON reports sg-audit writes (--format json=<file>)';

/** A problem at a path of the report: thrown by the checks below, turned into an input error. */
class ShapeError {
  constructor(
    readonly at: string,
    readonly what: string,
  ) {}
}

type Check = (value: unknown, at: string) => void;

const fail = (at: string, what: string): never => {
  throw new ShapeError(at, what);
};
const join = (at: string, key: string | number) => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

const text: Check = (v, at) => void (typeof v !== 'string' && fail(at, 'must be a string'));
const count: Check = (v, at) => void ((!Number.isInteger(v) || (v as number) < 0) && fail(at, 'must be a whole number'));
const anyObject: Check = (v, at) => void (!isObject(v) && fail(at, 'must be an object'));
const oneOf =
  (values: readonly string[]): Check =>
  (v, at) =>
    void ((typeof v !== 'string' || !values.includes(v)) && fail(at, `must be one of ${values.join(', ')}`));
const list =
  (item: Check): Check =>
  (v, at) => {
    if (!Array.isArray(v)) fail(at, 'must be a list');
    (v as unknown[]).forEach((x, i) => item(x, join(at, i)));
  };
/** An object with these fields; others (added by a later version of schema 1) are kept as they are. */
const shape =
  (required: Readonly<Record<string, Check>>, optional: Readonly<Record<string, Check>> = {}): Check =>
  (v, at) => {
    if (!isObject(v)) return fail(at, 'must be an object');
    for (const [key, check] of Object.entries(required)) {
      if (v[key] === undefined) fail(join(at, key), 'is missing');
      check(v[key], join(at, key));
    }
    for (const [key, check] of Object.entries(optional)) if (v[key] !== undefined) check(v[key], join(at, key));
  };

const positive: Check = (v, at) => void ((!Number.isInteger(v) || (v as number) < 1) && fail(at, 'must be a whole number from 1'));
/** Lists of strings by key: a shard's regions by account. */
const listsByKey: Check = (v, at) => {
  if (!isObject(v)) return fail(at, 'must be an object');
  for (const [key, item] of Object.entries(v)) list(text)(item, join(at, key));
};
const SHARD = shape(
  { index: positive, total: positive, plan: shape({ pairs: count, digest: text }), rules: text, suppressions: text, pairs: listsByKey },
  { run: text },
);
const SEVERITY = oneOf(SEVERITIES);
const RESOURCE = shape(
  { type: oneOf(['security-group', 'network-acl', 'vpc', 'network-interface']), id: text, name: text, arn: text, accountId: text, region: text },
  { vpcId: text, origin: text },
);
const FINDING = shape(
  { ruleId: text, severity: SEVERITY, title: text, message: text, resource: RESOURCE, evidence: anyObject, remediation: text, key: text, fingerprint: text },
  {
    remediationCommand: text,
    ports: list(shape({ protocol: oneOf(['tcp', 'udp']), from: count, to: count })),
    sources: list(text),
    suppressed: shape({ reason: text, suppression: count }, { owner: text, expires: text }),
    baseline: oneOf(['new', 'unchanged']),
    context: shape({ loweredFrom: SEVERITY, reason: text }),
  },
);
const CHECKS = shape({ pass: count, fail: count, notApplicable: count, error: count });
const REPORT = shape({
  run: shape(
    {
      startedAt: text,
      finishedAt: text,
      source: oneOf(['aws', 'file']),
      accounts: list(text),
      regions: list(text),
      inputs: list(text),
      failOn: oneOf([...SEVERITIES, 'none']),
    },
    { config: text, shard: SHARD },
  ),
  summary: shape({
    status: oneOf(['pass', 'fail', 'incomplete']),
    securityGroups: count,
    errors: count,
    bySeverity: anyObject,
  }),
  rules: list(
    shape({ id: text, title: text, severity: SEVERITY, description: text, remediation: text, references: list(text), checks: CHECKS }),
  ),
  findings: list(FINDING),
  suppressions: list(
    shape(
      { index: count, rule: text, resource: text, reason: text, status: oneOf(['active', 'expired', 'unused', 'not-evaluated']), matched: count },
      { ports: list(text), source: text, account: text, region: text, owner: text, expires: text },
    ),
  ),
  errors: list(
    shape({ kind: oneOf(['collection', 'rule']), accountId: text, region: text, code: text, message: text }, { operation: text, ruleId: text, resourceId: text, hint: text }),
  ),
  skipped: list(shape({ ruleId: text, accountId: text, region: text, missing: list(text), hint: text })),
  warnings: list(text),
});

/**
 * A shard's JSON report, checked: an sg-audit report of schemaVersion 1 (read-baseline.ts reads
 * the envelope for both), with every field the merge and the renderers read. Anything else is an
 * input error naming the file and the field.
 */
export function parseReport(json: string, file: string): AuditReport {
  const source: ReportFile = {
    label: file,
    hint: HINT,
    rewriteHint: 'write the shard reports again with this version of sg-audit (--format json=<file>)',
  };
  const parsed = readReportJson(json, source);
  // The identity first, with the baseline reader's words: the commonest damage to a report.
  parsed.findings.forEach((item, i) => findingIdentity(item, (what) => inputError(`${file}: findings[${i}] ${what}`, HINT)));
  try {
    REPORT(parsed, '');
  } catch (error) {
    if (error instanceof ShapeError) throw inputError(`${file}: ${error.at} ${error.what}`, `${HINT}; write this one again`);
    throw error;
  }
  const report = parsed as unknown as AuditReport;
  const shard = report.run.shard;
  if (shard && shard.index > shard.total) throw inputError(`${file}: run.shard.index ${shard.index} is past run.shard.total ${shard.total}`, `${HINT}; write this one again`);
  // Fail closed: a report that says it is incomplete must say what is missing.
  if ((report.summary.status === 'incomplete' || report.summary.errors > 0) && report.errors.length === 0) {
    throw inputError(`${file}: its summary says the audit was incomplete, but it lists no errors`, `${HINT}; write this one again`);
  }
  return report;
}

// ── Merging ──────────────────────────────────────────────────────────────────────────────────

interface Shard {
  readonly file: string;
  readonly report: AuditReport;
}

const uniqueSorted = (values: Iterable<string>) => [...new Set(values)].sort();

/** "a.json", "a.json and b.json", "a.json, b.json and c.json". */
function listing(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** The same value with its object keys sorted, as text: equal entries give equal keys. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    isObject(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

function failOnOf(shards: readonly Shard[], flag: FailOn | undefined): FailOn {
  if (flag !== undefined) return flag;
  const values = uniqueSorted(shards.map((s) => s.report.run.failOn));
  if (values.length === 1) return values[0] as FailOn;
  const which = values.map((v) => `${v} in ${listing(shards.filter((s) => s.report.run.failOn === v).map((s) => s.file))}`);
  throw usageError(`the reports were written with different --fail-on (${which.join('; ')})`, 'give merge --fail-on to choose the threshold of the merged report');
}

/**
 * The account × region pairs a report audited: a shard's own list (its accounts and regions
 * need not make a grid), else every account with every region it lists.
 */
function pairsOf(report: AuditReport): [account: string, region: string][] {
  const shard = report.run.shard;
  if (shard) return Object.entries(shard.pairs).flatMap(([account, regions]) => regions.map((region): [string, string] => [account, region]));
  return report.run.accounts.flatMap((account) => report.run.regions.map((region): [string, string] => [account, region]));
}

function scopesOf(report: AuditReport): string[] {
  return pairsOf(report).map(([account, region]) => `${account}\n${region}`);
}

/** Files grouped by a value, in the order first seen. */
function filesBy<S extends { readonly file: string }>(shards: readonly S[], value: (shard: S) => string): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const shard of shards) groups.set(value(shard), [...(groups.get(value(shard)) ?? []), shard.file]);
  return groups;
}

const short = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]*$/, '$1');

/**
 * Reports written with --shard must make up one whole run: the same number of shards, run,
 * account × region pairs, rules and suppressions in each, and every shard from 1 to N once.
 * Anything else is an incomplete audit (exit 3) named here, never a partial report. Reports
 * written without --shard merge beside them as before.
 */
export function checkShards(shards: readonly { readonly file: string; readonly report: AuditReport }[]): void {
  const sharded = shards.flatMap(({ file, report }) => (report.run.shard ? [{ file, shard: report.run.shard }] : []));
  if (sharded.length === 0) return;
  const same = (value: (shard: ShardReport) => string, problem: (groups: string) => string, hint: string, describe = (v: string) => v) => {
    const groups = filesBy(sharded, (s) => value(s.shard));
    if (groups.size < 2) return;
    throw collectionError(problem([...groups].map(([v, files]) => `${describe(v)}: ${listing(files)}`).join('; ')), hint);
  };
  const oneRun = 'merge the reports of one run, every shard with the same --shard …/N, flags and config';
  same((s) => String(s.total), (g) => `the shard reports were split in different numbers of shards (${g})`, oneRun, (n) => `of ${n}`);
  same(
    (s) => s.run ?? '',
    (g) => `the shard reports come from different runs (${g})`,
    'a report left over from an earlier run is among them: remove it, or write each run\'s shards to a folder of its own',
    (run) => (run === '' ? 'no run id' : `run ${run}`),
  );
  same(
    (s) => `${s.plan.pairs} pairs, ${short(s.plan.digest)}`,
    (g) => `the shards saw different account × region pairs (${g}): the accounts or their regions changed between them`,
    'run every shard again, so that each splits the same list',
  );
  same((s) => short(s.rules), (g) => `the shards ran different rules, severities or rule options (${g})`, oneRun);
  same((s) => short(s.suppressions), (g) => `the shards ran with different suppressions (${g})`, oneRun);

  const total = (sharded[0] as (typeof sharded)[number]).shard.total;
  const byIndex = filesBy(sharded, (s) => String(s.shard.index));
  const twice = [...byIndex].filter(([, files]) => files.length > 1);
  if (twice.length > 0) {
    const [index, files] = twice[0] as [string, string[]];
    throw collectionError(`shard ${index} of ${total} is given ${files.length} times (${listing(files)})`, 'give each shard\'s report once');
  }
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !byIndex.has(String(i)));
  if (missing.length > 0) {
    const shown = missing.length > 10 ? `${missing.slice(0, 10).join(', ')} and ${missing.length - 10} more` : listing(missing.map(String));
    throw collectionError(
      `${missing.length === 1 ? 'shard' : 'shards'} ${shown} of ${total} ${missing.length === 1 ? 'is' : 'are'} missing (${byIndex.size} of ${total} given): the merged report would not cover ${missing.length === 1 ? 'its' : 'their'} account × region pairs`,
      'merge every shard\'s report; a shard that wrote none failed: see its job\'s log and run it again',
    );
  }
}

function overlapWarnings(shards: readonly Shard[]): string[] {
  const filesOf = new Map<string, string[]>();
  for (const { file, report } of shards) {
    for (const scope of scopesOf(report)) filesOf.set(scope, [...(filesOf.get(scope) ?? []), file]);
  }
  return [...filesOf.entries()]
    .filter(([, files]) => files.length > 1)
    .sort(([a], [b]) => cmp(a, b))
    .map(([scope, files]) => {
      const [account, region] = scope.split('\n');
      return `account ${account} region ${region} is in shards ${listing(files)}; findings were de-duplicated`;
    });
}

function mergeRules(shards: readonly Shard[]): { rules: ReportRule[]; warnings: string[] } {
  const byId = new Map<string, { rule: ReportRule; severities: Map<Severity, string[]> }>();
  for (const { file, report } of shards) {
    for (const rule of report.rules) {
      const seen = byId.get(rule.id);
      if (!seen) {
        byId.set(rule.id, { rule: { ...rule, checks: { ...rule.checks } }, severities: new Map([[rule.severity, [file]]]) });
        continue;
      }
      const a = seen.rule.checks;
      const b = rule.checks;
      seen.rule = {
        ...seen.rule,
        severity: severityRank(rule.severity) > severityRank(seen.rule.severity) ? rule.severity : seen.rule.severity,
        checks: { pass: a.pass + b.pass, fail: a.fail + b.fail, notApplicable: a.notApplicable + b.notApplicable, error: a.error + b.error },
      };
      seen.severities.set(rule.severity, [...(seen.severities.get(rule.severity) ?? []), file]);
    }
  }
  const warnings: string[] = [];
  const rules = [...byId.values()].map((r) => r.rule).sort((a, b) => cmp(a.id, b.id));
  for (const rule of rules) {
    const severities = byId.get(rule.id)?.severities ?? new Map<Severity, string[]>();
    if (severities.size < 2) continue;
    const which = [...severities.entries()]
      .sort(([a], [b]) => severityRank(b) - severityRank(a))
      .map(([severity, files]) => `${severity} in ${listing(files)}`);
    warnings.push(`rule ${rule.id} ran with different severities (${which.join('; ')}); its findings keep their shard's severity, the rule is listed as ${rule.severity}`);
  }
  return { rules, warnings };
}

/** Every shard's findings, each fingerprint once (the first shard's), without shard baseline marks. */
function mergeFindings(shards: readonly Shard[]): ReportFinding[] {
  const seen = new Set<string>();
  const findings: ReportFinding[] = [];
  for (const { report } of shards) {
    for (const finding of report.findings) {
      if (seen.has(finding.fingerprint)) continue;
      seen.add(finding.fingerprint);
      const { baseline: _shardBaseline, ...rest } = finding;
      findings.push(rest);
    }
  }
  // Stable: findings that compare equal keep the order of the shards given.
  return findings.sort(compareFindings);
}

/** Each entry once, first seen first. */
function uniqueEntries<T>(entries: Iterable<T>): T[] {
  const seen = new Set<string>();
  return [...entries].filter((e) => {
    const key = canonical(e);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

// Status as one run over every shard's data would say: applied somewhere > past its date >
// its rule ran where it points and matched nothing > its rule never ran there.
const STATUS_ORDER: readonly SuppressionStatus[] = ['active', 'expired', 'unused', 'not-evaluated'];

/** "suppressions[2] (ssh-open-to-internet on sg-1 tcp:22 from 10.0.0.0/8 in 123 eu-west-1)", as the engine names one. */
function describeEntry(s: SuppressionReport): string {
  const scope = [s.account, s.region].filter(Boolean).join(' ');
  const ports = s.ports ? ` ${s.ports.join(',')}` : '';
  const source = s.source !== undefined ? ` from ${s.source}` : '';
  return `suppressions[${s.index}] (${s.rule} on ${s.resource}${ports}${source}${scope ? ` in ${scope}` : ''})`;
}

function mergeSuppressions(shards: readonly Shard[]): { suppressions: SuppressionReport[]; warnings: string[]; isShardWarning: (file: string, w: string) => boolean } {
  const merged = new Map<string, { entry: SuppressionReport; files: string[] }>();
  for (const { file, report } of shards) {
    for (const entry of report.suppressions) {
      const { status: _status, matched: _matched, ...what } = entry;
      const key = canonical(what);
      const seen = merged.get(key);
      if (!seen) {
        merged.set(key, { entry: { ...entry }, files: [file] });
        continue;
      }
      const status = STATUS_ORDER[Math.min(STATUS_ORDER.indexOf(seen.entry.status), STATUS_ORDER.indexOf(entry.status))] ?? entry.status;
      seen.entry = { ...seen.entry, status, matched: seen.entry.matched + entry.matched };
      seen.files.push(file);
    }
  }
  const entries = [...merged.values()].sort((a, b) => a.entry.index - b.entry.index);
  const suppressions = entries.map((e) => e.entry);

  const warnings: string[] = [];
  const byIndex = new Map<number, string[]>();
  for (const { entry, files } of entries) byIndex.set(entry.index, [...(byIndex.get(entry.index) ?? []), ...files]);
  for (const [index, files] of byIndex) {
    if (entries.filter((e) => e.entry.index === index).length < 2) continue;
    warnings.push(
      `suppressions[${index}] is not the same entry in ${listing(uniqueSorted(files))} (different configs); each finding keeps the suppression its own report gave it`,
    );
  }
  for (const s of suppressions) {
    if (s.status === 'expired') {
      const n = s.matched;
      warnings.push(
        `${describeEntry(s)} expired on ${s.expires}${n > 0 ? `: ${n === 1 ? 'its finding counts' : `${n} findings count`} again — fix ${n === 1 ? 'it' : 'them'}, or renew the suppression with a new reason and date` : ': remove it, or renew it with a new reason and date'}`,
      );
    } else if (s.status === 'unused') {
      warnings.push(`${describeEntry(s)} matched no finding in any report: remove it or fix its rule/resource`);
    }
  }
  // A shard's own warnings about its suppressions judged only its part of the data.
  const prefixes = new Map(shards.map(({ file, report }) => [file, report.suppressions.map((s) => `${describeEntry(s)} `)]));
  const isShardWarning = (file: string, w: string) => (prefixes.get(file) ?? []).some((p) => w.startsWith(p));
  return { suppressions, warnings, isShardWarning };
}

/**
 * Where the merged report re-checked each baseline finding, as outcomes for compareWithBaseline
 * (which reads, of each, the rule, account, region, resource id and whether it is an error).
 * A report has no per-resource outcomes, only per-rule counts, so a shard counts as having run a
 * rule in an account and region when: the rule is in its rules and checked something (its checks
 * are not all zero), the account and region are one of its pairs (pairsOf), and the rule was
 * neither skipped there nor unable to run there (a rule error without a resource). A rule error
 * on one resource leaves that resource not re-checked. One marker outcome (no resource id) stands
 * for each such rule × account × region.
 */
function coverageOf(reports: readonly AuditReport[]): Outcome[] {
  const outcomes: Outcome[] = [];
  const marker = (ruleId: string, accountId: string, region: string, id: string, status: Outcome['status']): Outcome => ({
    ruleId,
    resource: { type: 'security-group', id, name: '', arn: '', accountId, region },
    status,
  });
  for (const report of reports) {
    const notRun = new Set([
      ...report.skipped.map((s) => `${s.ruleId}\n${s.accountId}\n${s.region}`),
      ...report.errors.filter((e) => e.kind === 'rule' && e.resourceId === undefined).map((e) => `${e.ruleId}\n${e.accountId}\n${e.region}`),
    ]);
    for (const rule of report.rules) {
      const { pass, fail, notApplicable, error } = rule.checks;
      if (pass + fail + notApplicable + error === 0) continue;
      for (const [accountId, region] of pairsOf(report)) {
        if (!notRun.has(`${rule.id}\n${accountId}\n${region}`)) outcomes.push(marker(rule.id, accountId, region, '', 'not_applicable'));
      }
    }
    for (const e of report.errors) {
      if (e.kind === 'rule' && e.ruleId !== undefined && e.resourceId !== undefined) outcomes.push(marker(e.ruleId, e.accountId, e.region, e.resourceId, 'error'));
    }
  }
  return outcomes;
}

export function mergeReports(reports: readonly AuditReport[], opts: MergeOptions): AuditReport {
  if (reports.length === 0) throw usageError('merge needs at least one JSON report', 'e.g. sg-audit merge shards/*.json');
  const shards: Shard[] = reports.map((report, i) => ({ file: opts.files?.[i] ?? `#${i + 1}`, report }));
  checkShards(shards);
  const failOn = failOnOf(shards, opts.failOn);
  const warnings: string[] = [];

  const versions = uniqueSorted(shards.map((s) => s.report.tool.version));
  if (versions.length > 1) {
    const which = versions.map((v) => `${v} wrote ${listing(shards.filter((s) => s.report.tool.version === v).map((s) => s.file))}`);
    warnings.push(`the reports come from different sg-audit versions (${which.join('; ')}); their rules and fingerprints may differ`);
  }
  const sources = uniqueSorted(shards.map((s) => s.report.run.source));
  if (sources.length > 1) {
    const live = shards.filter((s) => s.report.run.source === 'aws').map((s) => s.file);
    warnings.push(`${listing(live)} audited live AWS and the other reports saved files; the merged report's source says file`);
  }
  const configs = uniqueSorted(shards.map((s) => s.report.run.config ?? ''));
  const config = configs.length === 1 && configs[0] !== '' ? configs[0] : undefined;

  const { rules, warnings: ruleWarnings } = mergeRules(shards);
  warnings.push(...overlapWarnings(shards), ...ruleWarnings);
  const baselined = shards.filter((s) => s.report.baseline !== undefined).map((s) => s.file);
  if (baselined.length > 0 && opts.baseline === undefined) {
    warnings.push(`${listing(baselined)} ${baselined.length === 1 ? 'was' : 'were'} compared with a baseline; the merged report is not (give merge --baseline to compare the whole)`);
  }
  const merged = mergeSuppressions(shards);
  warnings.push(...merged.warnings);
  for (const { file, report } of shards) {
    for (const w of report.warnings) if (!merged.isShardWarning(file, w)) warnings.push(`${file}: ${w}`);
  }

  const unmarked = mergeFindings(shards);
  const compared = opts.baseline ? compareWithBaseline(unmarked, opts.baseline, coverageOf(reports)) : undefined;
  const findings: readonly ReportFinding[] = compared ? compared.findings : unmarked;
  const errors: AuditError[] = uniqueEntries(shards.flatMap((s) => s.report.errors)).sort(compareErrors);
  const skipped: SkippedRule[] = uniqueEntries(shards.flatMap((s) => s.report.skipped)).sort(
    (a, b) => cmp(a.ruleId, b.ruleId) || cmp(a.accountId, b.accountId) || cmp(a.region, b.region),
  );
  const earliest = (values: string[]) => values.reduce((a, b) => (Date.parse(b) < Date.parse(a) ? b : a));
  const latest = (values: string[]) => values.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));

  return {
    schemaVersion: 1,
    tool: { name: 'sg-audit', version: opts.version },
    run: {
      startedAt: earliest(shards.map((s) => s.report.run.startedAt)),
      finishedAt: latest(shards.map((s) => s.report.run.finishedAt)),
      source: sources.length === 1 ? (sources[0] as 'aws' | 'file') : 'file',
      accounts: uniqueSorted(shards.flatMap((s) => s.report.run.accounts)),
      regions: uniqueSorted(shards.flatMap((s) => s.report.run.regions)),
      inputs: uniqueSorted(shards.flatMap((s) => s.report.run.inputs)),
      failOn,
      ...(config !== undefined ? { config } : {}),
    },
    summary: summarize({
      findings,
      errors,
      skipped: skipped.length,
      failOn,
      securityGroups: shards.reduce((n, s) => n + s.report.summary.securityGroups, 0),
      rulesEvaluated: rules.length,
    }),
    rules,
    findings,
    ...(compared ? { baseline: compared.report } : {}),
    suppressions: merged.suppressions,
    errors,
    skipped,
    warnings,
  };
}
