// Reading an earlier JSON report. The envelope (valid JSON, sg-audit's, schemaVersion 1, a
// findings list) and a finding's identity are checked here for every reader: a baseline
// (below), and the shard reports `sg-audit merge` reads (src/report/merge.ts), which checks the
// rest of the report too. A baseline keeps only what it needs: the fingerprints, and enough of
// each finding to list it as fixed. Pure: the CLI reads the files.
import type { Baseline, BaselineFinding } from '../engine/baseline.js';
import type { FindingContext } from '../engine/evaluate.js';
import { inputError } from '../errors.js';
import type { ResourceRef } from '../model/types.js';
import { SEVERITIES, type Severity } from '../rules-kit/types.js';

export type Json = Record<string, unknown>;

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (o: Json, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

/** How one reader names a report file in its errors, and the ways out it suggests. */
export interface ReportFile {
  /** The file as the messages name it: `--baseline old.json`, or just `shard-1.json`. */
  readonly label: string;
  /** The way out when the file is not a report sg-audit wrote. */
  readonly hint: string;
  /** The way out when it is a report of another schema version. */
  readonly rewriteHint: string;
}

/** The parsed report, checked to be an sg-audit JSON report of schemaVersion 1 with a findings list. */
export function readReportJson(text: string, file: ReportFile): Json & { findings: unknown[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError(`${file.label} is not valid JSON: ${(error as Error).message}`, file.hint);
  }
  if (!isObject(parsed) || !isObject(parsed['tool']) || parsed['tool']['name'] !== 'sg-audit') {
    throw inputError(`${file.label} is not an sg-audit JSON report`, file.hint);
  }
  // Before the shape: another schema version may be shaped otherwise.
  if (parsed['schemaVersion'] !== 1) {
    throw inputError(`${file.label} has schemaVersion ${JSON.stringify(parsed['schemaVersion'])}; this sg-audit reads 1`, file.rewriteHint);
  }
  if (!Array.isArray(parsed['findings'])) throw inputError(`${file.label} is not an sg-audit JSON report: it has no findings list`, file.hint);
  return parsed as Json & { findings: unknown[] };
}

/** What identifies a finding across reports; throws `bad(what)` when it is missing. */
export function findingIdentity(
  item: unknown,
  bad: (what: string) => Error,
): { readonly item: Json; readonly fingerprint: string; readonly ruleId: string; readonly resource: Json } {
  if (!isObject(item)) throw bad('is not an object');
  const fingerprint = str(item, 'fingerprint');
  const ruleId = str(item, 'ruleId');
  const resource = item['resource'];
  if (!fingerprint) throw bad('has no fingerprint');
  if (!ruleId) throw bad('has no ruleId');
  if (!isObject(resource) || !str(resource, 'id') || str(resource, 'accountId') === undefined || str(resource, 'region') === undefined) {
    throw bad('has no resource with id, accountId and region');
  }
  return { item, fingerprint, ruleId, resource };
}

function readFinding(file: ReportFile, entry: unknown, i: number): BaselineFinding {
  const { item, fingerprint, ruleId, resource } = findingIdentity(entry, (what) => inputError(`${file.label}: findings[${i}] ${what}`, file.hint));
  const severity = str(item, 'severity');
  return {
    ruleId,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : 'info',
    title: str(item, 'title') ?? ruleId,
    message: str(item, 'message') ?? '',
    resource: resource as unknown as ResourceRef,
    fingerprint,
    ...contextOf(item),
  };
}

/** A finding's exposure context, when it has a well-formed one. */
function contextOf(item: Json): { context?: FindingContext } {
  const context = item['context'];
  if (!isObject(context)) return {};
  const loweredFrom = str(context, 'loweredFrom');
  if (!SEVERITIES.includes(loweredFrom as Severity)) return {};
  return { context: { loweredFrom: loweredFrom as Severity, reason: str(context, 'reason') ?? '' } };
}

export function parseBaselineReport(text: string, file: string): Baseline {
  const source: ReportFile = {
    label: `--baseline ${file}`,
    hint: 'give a report written by sg-audit --format json (e.g. --format json=baseline.json)',
    rewriteHint: 'write the baseline again with this version of sg-audit',
  };
  const parsed = readReportJson(text, source);
  const run = isObject(parsed['run']) ? parsed['run'] : {};
  const startedAt = str(run, 'startedAt');
  return {
    file,
    ...(startedAt !== undefined ? { startedAt } : {}),
    findings: parsed.findings.map((item, i) => readFinding(source, item, i)),
  };
}
