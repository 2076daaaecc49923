// SARIF 2.1.0 for GitHub code scanning (and any other SARIF consumer). GitHub shapes most of
// what is here: it rejects a result without a location whose artifactLocation.uri names a file,
// identifies an alert across runs by its partial fingerprints, ranks security alerts by the
// rule's `security-severity` (a numeric string) once the rule is tagged `security`, and rejects a
// whole file past its upload limits (GITHUB_SARIF_LIMITS): past them, the least important results
// are left out, and the run's properties, a tool notification and a note for stderr say which.
// Pure: the report and the working directory in, the same bytes out for the same report.
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type {
  Invocation,
  Location,
  Log,
  Notification,
  PropertyBag,
  ReportingDescriptor,
  ReportingDescriptorReference,
  Result,
  Suppression,
} from 'sarif';
import { compareStrings } from '../compare.js';
import { failingFindings } from '../engine/gate.js';
import { SEVERITIES, severityRank, type Severity } from '../rules-kit/types.js';
import type { Rendered, RenderContext } from './formats.js';
import { escapeJsonText, forTerminal, truncate } from './sanitize.js';
import type { AuditError, AuditReport, ReportFinding, ReportRule, SkippedRule } from './types.js';

const SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/**
 * GitHub code scanning's documented limits on an uploaded SARIF file ("SARIF support for code
 * scanning", Validating your SARIF file; "SARIF file is too large"): a file past any of them is
 * rejected whole. Of the results it keeps only the 5,000 most severe for display. This log has one
 * run, one location per result, four tags per rule and one rule per catalog entry (the tests check
 * it), so only the number of results and the file's size can grow past them.
 */
export const GITHUB_SARIF_LIMITS = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  locationsPerResult: 1_000,
  tagsPerRule: 20,
  /** 10 MB, gzip-compressed as upload-sarif sends it. */
  gzipBytes: 10_000_000,
} as const;

/** What the log is held to: the results GitHub takes in a run, and a size with room to spare for what the uploader adds. */
export interface SarifLimits {
  readonly results: number;
  readonly gzipBytes: number;
}

export const SARIF_LIMITS: SarifLimits = { results: GITHUB_SARIF_LIMITS.resultsPerRun, gzipBytes: 9_000_000 };

/** Versioned: a change to how fingerprints are computed gets a new key rather than new meaning. */
export const FINGERPRINT_KEY = 'sgAuditFingerprint/v1';

type Level = NonNullable<Result['level']>;

const LEVEL: Readonly<Record<Severity, Level>> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

// GitHub reads >= 9.0 as critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low, and 0.0 as "no
// security severity" (the alert would lose its security ranking): info is the lowest low.
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '1.0',
};

const RESOURCE_LABEL = { 'security-group': 'security group', 'network-acl': 'network ACL', vpc: 'VPC', 'network-interface': 'network interface' } as const;

// GitHub's limit for shortDescription and fullDescription; the help carries the whole text.
const DESCRIPTION_MAX = 1024;

// SemVer 2.0.0; GitHub prefers semanticVersion over version, but only a valid one means anything.
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** "ssh-open-to-internet" → "SshOpenToInternet": SARIF wants a rule's name to be an identifier. */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

/**
 * Display text from attacker-controllable strings: controls and invisible characters as visible
 * escapes, and square brackets escaped (SARIF §3.11.6), so a group named `[x](https://…)` is
 * not read as an embedded link by a SARIF viewer.
 */
function plainText(text: string): string {
  return forTerminal(text).replace(/[[\]]/g, '\\$&');
}

function helpText(rule: ReportRule): string {
  const references = rule.references.length > 0 ? `\n\nReferences:\n${rule.references.map((r) => `- ${r}`).join('\n')}` : '';
  return `${rule.description}\n\nRemediation: ${rule.remediation}${references}`;
}

// Rule texts come from the catalog, not from AWS data: their backticks are meant as Markdown.
function helpMarkdown(rule: ReportRule): string {
  const references = rule.references.length > 0 ? `\n\n**References**\n\n${rule.references.map((r) => `- ${r}`).join('\n')}` : '';
  return `${rule.description}\n\n**Remediation**: ${rule.remediation}${references}`;
}

function toDescriptor(rule: ReportRule): ReportingDescriptor {
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: truncate(rule.title, DESCRIPTION_MAX) },
    fullDescription: { text: truncate(rule.description, DESCRIPTION_MAX) },
    help: { text: helpText(rule), markdown: helpMarkdown(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      'security-severity': SECURITY_SEVERITY[rule.severity],
      // The `security` tag is what makes GitHub treat the rule's results as security alerts.
      tags: ['security', 'aws', 'ec2', 'network'],
      // Rules decide from the collected configuration, not from heuristics.
      precision: 'very-high',
      // The five-step severity that `level` and security-severity each only approximate.
      severity: rule.severity,
    },
  };
}

/** A URI path segment; `.` and `..` are encoded too, so a hostile id cannot climb the path. */
function uriSegment(segment: string): string {
  return segment === '.' || segment === '..' ? segment.replace(/\./g, '%2E') : encodeURIComponent(segment);
}

/**
 * The saved input file as a repository path (forward slashes, percent-encoded), or undefined
 * when it lies outside the working directory: GitHub resolves relative URIs against the
 * repository root and cannot place anything else.
 */
function repositoryPath(origin: string, cwd: string): string | undefined {
  const rel = relative(cwd, resolve(cwd, origin));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel.split(sep).map(uriSegment).join('/');
}

/** A live resource has no file: a stable path per resource keeps GitHub's alerts apart. */
function logicalPath(resource: ReportFinding['resource']): string {
  return ['aws', resource.accountId, resource.region, resource.type, resource.id].map(uriSegment).join('/');
}

// No region for a resource of saved JSON: the finding is about a resource in the file, not a line
// of it (SARIF §3.29.4 says to omit it then); it also keeps upload-sarif from hashing line 1 into
// every finding's fingerprint. A resource of a plan or template is written at a line of its code
// (the `.tf` block, the template's logical id): the region points there, so code scanning
// annotates the pull request that writes it.
function locationOf(finding: ReportFinding, cwd: string): Location {
  const { resource } = finding;
  const path = resource.origin !== undefined ? repositoryPath(resource.origin, cwd) : undefined;
  const uri = path ?? logicalPath(resource);
  const region = path !== undefined && resource.line !== undefined && resource.line > 0 ? { region: { startLine: resource.line } } : {};
  return {
    physicalLocation: { artifactLocation: { uri }, ...region },
    logicalLocations: [{ name: forTerminal(resource.id), fullyQualifiedName: forTerminal(resource.arn), kind: 'resource' }],
  };
}

/** "… — security group sg-1 "web", account 1234, us-east-1": what GitHub shows as the alert's title. */
function messageOf(finding: ReportFinding): string {
  const { resource } = finding;
  const named = resource.name && resource.name !== resource.id ? ` "${resource.name}"` : '';
  const where = `${RESOURCE_LABEL[resource.type]} ${resource.id}${named}, account ${resource.accountId}, ${resource.region}`;
  return plainText(`${finding.message} — ${where}`);
}

/**
 * GitHub documents that it matches alerts across runs by primaryLocationLineHash only, and
 * upload-sarif fills that from the source line when it is missing — which, for resources in one
 * JSON file, would give them all the same hash. Ours is the finding's own fingerprint.
 */
function partialFingerprintsOf(finding: ReportFinding): Record<string, string> {
  return { [FINGERPRINT_KEY]: finding.fingerprint, primaryLocationLineHash: `${finding.fingerprint}:1` };
}

function suppressionsOf(finding: ReportFinding): Suppression[] | undefined {
  const mark = finding.suppressed;
  if (!mark) return undefined;
  const details = [
    ...(mark.owner !== undefined ? [`owner: ${mark.owner}`] : []),
    ...(mark.expires !== undefined ? [`expires ${mark.expires}`] : []),
  ];
  return [
    {
      kind: 'external',
      status: 'accepted',
      justification: plainText(details.length > 0 ? `${mark.reason} (${details.join(', ')})` : mark.reason),
      properties: {
        suppression: mark.suppression,
        ...(mark.owner !== undefined ? { owner: mark.owner } : {}),
        ...(mark.expires !== undefined ? { expires: mark.expires } : {}),
      },
    },
  ];
}

function resultProperties(finding: ReportFinding): PropertyBag {
  const { resource } = finding;
  return {
    'security-severity': SECURITY_SEVERITY[finding.severity],
    severity: finding.severity,
    resource: {
      type: resource.type,
      id: resource.id,
      name: resource.name,
      arn: resource.arn,
      accountId: resource.accountId,
      region: resource.region,
      ...(resource.vpcId !== undefined ? { vpcId: resource.vpcId } : {}),
      ...(resource.address !== undefined ? { address: resource.address } : {}),
    },
    evidence: finding.evidence,
    ...(finding.unknown !== undefined ? { unknown: finding.unknown } : {}),
    ...(finding.remediationCommand !== undefined ? { remediationCommand: finding.remediationCommand } : {}),
    ...(finding.baseline !== undefined ? { baseline: finding.baseline } : {}),
  };
}

function toResult(finding: ReportFinding, ruleIndex: ReadonlyMap<string, number>, cwd: string): Result {
  const index = ruleIndex.get(finding.ruleId);
  const suppressions = suppressionsOf(finding);
  return {
    ruleId: finding.ruleId,
    ...(index !== undefined ? { ruleIndex: index } : {}),
    // The finding's own severity: a rule may rank one finding lower than its default.
    level: LEVEL[finding.severity],
    message: { text: messageOf(finding) },
    locations: [locationOf(finding, cwd)],
    partialFingerprints: partialFingerprintsOf(finding),
    ...(finding.baseline !== undefined ? { baselineState: finding.baseline } : {}),
    ...(suppressions ? { suppressions } : {}),
    properties: resultProperties(finding),
  };
}

function ruleReference(ruleId: string | undefined, ruleIndex: ReadonlyMap<string, number>): { associatedRule?: ReportingDescriptorReference } {
  if (ruleId === undefined) return {};
  const index = ruleIndex.get(ruleId);
  return { associatedRule: index !== undefined ? { id: ruleId, index } : { id: ruleId } };
}

function errorNotification(error: AuditError, ruleIndex: ReadonlyMap<string, number>): Notification {
  const what = error.kind === 'collection' ? error.operation : `rule ${error.ruleId}${error.resourceId ? ` on ${error.resourceId}` : ''}`;
  const hint = error.hint ? ` (${error.hint})` : '';
  return {
    level: 'error',
    message: { text: plainText(`account ${error.accountId}, ${error.region}, ${what}: ${error.code} — ${error.message}${hint}`) },
    ...ruleReference(error.ruleId, ruleIndex),
    properties: { ...error },
  };
}

function skippedNotification(skipped: SkippedRule, ruleIndex: ReadonlyMap<string, number>): Notification {
  return {
    level: 'note',
    message: { text: plainText(`${skipped.ruleId} not evaluated in account ${skipped.accountId}, ${skipped.region}: ${skipped.hint}`) },
    ...ruleReference(skipped.ruleId, ruleIndex),
    properties: { accountId: skipped.accountId, region: skipped.region, missing: skipped.missing },
  };
}

function invocationOf(report: AuditReport, ruleIndex: ReadonlyMap<string, number>, leftOut: LeftOut | undefined): Invocation {
  const notifications: Notification[] = [
    ...report.errors.map((e) => errorNotification(e, ruleIndex)),
    ...report.skipped.map((s) => skippedNotification(s, ruleIndex)),
    ...report.warnings.map((w): Notification => ({ level: 'warning', message: { text: plainText(w) } })),
    // A viewer that shows the tool's notifications says what the file leaves out.
    ...(leftOut ? [{ level: 'warning' as const, message: { text: plainText(leftOutNote(leftOut)) } }] : []),
  ];
  return {
    // An incomplete audit is one that could not check everything it was asked to.
    executionSuccessful: report.summary.status !== 'incomplete',
    startTimeUtc: report.run.startedAt,
    endTimeUtc: report.run.finishedAt,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
}

// File paths (inputs, config, baseline file) stay out: they may be absolute paths of the machine that ran the audit.
function runProperties(report: AuditReport, leftOut: LeftOut | undefined): PropertyBag {
  const { baseline } = report;
  return {
    source: report.run.source,
    accounts: report.run.accounts,
    regions: report.run.regions,
    failOn: report.run.failOn,
    summary: report.summary,
    ...(baseline
      ? {
          baseline: {
            ...(baseline.startedAt !== undefined ? { startedAt: baseline.startedAt } : {}),
            new: baseline.new,
            unchanged: baseline.unchanged,
            fixed: baseline.fixed,
            notRechecked: baseline.notRechecked,
          },
        }
      : {}),
    ...(leftOut ? { leftOut } : {}),
    // A plan or template: what the change does.
    ...(report.change
      ? {
          change: {
            comparedWith: report.change.comparedWith,
            ...(report.change.resources ? { resources: report.change.resources } : {}),
            added: report.change.added,
            unchanged: report.change.unchanged,
            fixed: report.change.fixed,
            unknown: report.change.unknown,
            newlyExposed: report.change.newlyExposed.map((e) => ({ resource: e.resource.address ?? e.resource.id, ports: e.ports })),
          },
        }
      : {}),
  };
}

/** The results a log leaves out to stay within the limits: how many, why, and which (run.properties.leftOut). */
export interface LeftOut {
  readonly results: number;
  readonly of: number;
  readonly because: string;
  readonly bySeverity: Readonly<Record<Severity, number>>;
  /** Rule id → results left out, most first. */
  readonly byRule: Readonly<Record<string, number>>;
  /** Of them, findings that fail the run (unsuppressed, new, at or above failOn). */
  readonly failing: number;
  readonly suppressed: number;
  /** With a baseline: of them, findings new since it. */
  readonly new?: number;
}

/**
 * Finding indexes, the one to keep first in front: findings that fail the run; then, with a
 * baseline, the other new ones (what a pull request brings is what its reviewers need to see);
 * then the most severe, unsuppressed before suppressed; the report's order last, so the choice is
 * the same on every run.
 */
function keepOrder(report: AuditReport, failing: ReadonlySet<ReportFinding>): number[] {
  const rank = report.findings.map(
    (f) => (failing.has(f) ? 1000 : 0) + (f.baseline === 'new' && !f.suppressed ? 100 : 0) + severityRank(f.severity) * 10 + (f.suppressed ? 0 : 1),
  );
  return report.findings.map((_, i) => i).sort((a, b) => (rank[b] as number) - (rank[a] as number) || a - b);
}

function leftOutOf(report: AuditReport, failing: ReadonlySet<ReportFinding>, dropped: readonly number[], because: string): LeftOut {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byRule = new Map<string, number>();
  let failed = 0;
  let suppressed = 0;
  let fresh = 0;
  for (const i of dropped) {
    const f = report.findings[i] as ReportFinding;
    bySeverity[f.severity]++;
    byRule.set(f.ruleId, (byRule.get(f.ruleId) ?? 0) + 1);
    if (failing.has(f)) failed++;
    if (f.suppressed) suppressed++;
    if (f.baseline === 'new') fresh++;
  }
  const rules = [...byRule].sort(([a, m], [b, n]) => n - m || compareStrings(a, b));
  return {
    results: dropped.length,
    of: report.findings.length,
    because,
    bySeverity,
    byRule: Object.fromEntries(rules),
    failing: failed,
    suppressed,
    ...(report.baseline ? { new: fresh } : {}),
  };
}

/** One line for stderr: how many were left out and why, the worst of them first. */
function leftOutNote(left: LeftOut): string {
  const severities = SEVERITIES.filter((s) => left.bySeverity[s] > 0).map((s) => `${left.bySeverity[s]} ${s}`);
  const rules = Object.entries(left.byRule);
  const named = rules.slice(0, 3).map(([id, n]) => `${id} ${n}`);
  if (rules.length > named.length) named.push(`${rules.length - named.length} more rules`);
  const failing = left.failing > 0 ? `, ${left.failing} of them failing the run` : '';
  return (
    `the SARIF report leaves out ${left.results} of ${left.of} results (${left.because}): ${severities.join(', ')}${failing}; ` +
    `by rule: ${named.join(', ')} (run.properties.leftOut in the file; the JSON report has every finding)`
  );
}

/**
 * The size the upload would have, gzip-compressed as upload-sarif compresses it (the default
 * level), or a size above it that is already under the limit. Compressing costs most of a second
 * for 25,000 results, so it is done only when the text could be over: gzip adds at most a few
 * bytes per 16 KB; and the fastest level first, whose output is larger.
 */
function uploadSize(text: string, limit: number): number {
  const bytes = Buffer.byteLength(text);
  if (bytes < limit * 0.99) return bytes;
  const fast = gzipSync(text, { level: 1 }).length;
  return fast <= limit ? fast : gzipSync(text).length;
}

export function renderSarif(report: AuditReport, ctx: RenderContext, limits: SarifLimits = SARIF_LIMITS): Rendered & { readonly text: string } {
  const ruleIndex = new Map(report.rules.map((rule, i) => [rule.id, i]));
  const { version } = report.tool;
  const results = report.findings.map((f) => toResult(f, ruleIndex, ctx.cwd));
  const logOf = (kept: Result[], leftOut: LeftOut | undefined): string => {
    const log: Log = {
      $schema: SCHEMA_URI,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: 'sg-audit',
              version,
              ...(SEMVER.test(version) ? { semanticVersion: version } : {}),
              rules: report.rules.map(toDescriptor),
            },
          },
          invocations: [invocationOf(report, ruleIndex, leftOut)],
          results: kept,
          properties: runProperties(report, leftOut),
        },
      ],
    };
    return `${escapeJsonText(JSON.stringify(log, null, 2))}\n`;
  };

  const total = results.length;
  let size = 0;
  if (total <= limits.results) {
    const text = logOf(results, undefined);
    size = uploadSize(text, limits.gzipBytes);
    if (size <= limits.gzipBytes) return { text, notes: [] };
  }

  // Past a limit: keep the most important results that fit, in the report's order.
  const failing = new Set(failingFindings(report.findings, report.run.failOn));
  const order = keepOrder(report, failing);
  const reasons = total > limits.results ? [`GitHub code scanning takes at most ${limits.results} results a run`] : [];
  const sizeReason = `a file must stay under GitHub's ${GITHUB_SARIF_LIMITS.gzipBytes / 1_000_000} MB upload limit, gzip-compressed`;
  let keep = Math.min(total, limits.results);
  for (;;) {
    if (size > limits.gzipBytes) {
      if (!reasons.includes(sizeReason)) reasons.push(sizeReason);
      // As many as fit at this size per result, with a little to spare; measured again below.
      keep = Math.floor(keep * (limits.gzipBytes / size) * 0.97);
    }
    const leftOut = leftOutOf(report, failing, order.slice(keep), reasons.join('; '));
    const kept = order.slice(0, keep).sort((a, b) => a - b).map((i) => results[i] as Result);
    const text = logOf(kept, leftOut);
    size = uploadSize(text, limits.gzipBytes);
    if (size <= limits.gzipBytes || keep === 0) return { text, notes: [leftOutNote(leftOut)] };
  }
}
