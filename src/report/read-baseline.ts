// An earlier JSON report, read as a baseline. Only what a baseline needs is checked and kept:
// the fingerprints, and enough of each finding to list it as fixed. Pure: the CLI reads the file.
import type { Baseline, BaselineFinding } from '../engine/baseline.js';
import { inputError } from '../errors.js';
import type { ResourceRef } from '../model/types.js';
import { SEVERITIES, type Severity } from '../rules-kit/types.js';

const HINT = 'give a report written by sg-audit --format json (e.g. --format json=baseline.json)';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (o: Json, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

function readFinding(file: string, item: unknown, i: number): BaselineFinding {
  const bad = (what: string) => inputError(`--baseline ${file}: findings[${i}] ${what}`, HINT);
  if (!isObject(item)) throw bad('is not an object');
  const fingerprint = str(item, 'fingerprint');
  const ruleId = str(item, 'ruleId');
  const resource = item['resource'];
  if (!fingerprint) throw bad('has no fingerprint');
  if (!ruleId) throw bad('has no ruleId');
  if (!isObject(resource) || !str(resource, 'id') || str(resource, 'accountId') === undefined || str(resource, 'region') === undefined) {
    throw bad('has no resource with id, accountId and region');
  }
  const severity = str(item, 'severity');
  return {
    ruleId,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : 'info',
    title: str(item, 'title') ?? ruleId,
    message: str(item, 'message') ?? '',
    resource: resource as unknown as ResourceRef,
    fingerprint,
  };
}

export function parseBaselineReport(text: string, file: string): Baseline {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw inputError(`--baseline ${file} is not valid JSON: ${(error as Error).message}`, HINT);
  }
  if (!isObject(parsed) || !isObject(parsed['tool']) || parsed['tool']['name'] !== 'sg-audit' || !Array.isArray(parsed['findings'])) {
    throw inputError(`--baseline ${file} is not an sg-audit JSON report`, HINT);
  }
  if (parsed['schemaVersion'] !== 1) {
    throw inputError(
      `--baseline ${file} has schemaVersion ${JSON.stringify(parsed['schemaVersion'])}; this sg-audit reads 1`,
      'write the baseline again with this version of sg-audit',
    );
  }
  const run = isObject(parsed['run']) ? parsed['run'] : {};
  const startedAt = str(run, 'startedAt');
  return {
    file,
    ...(startedAt !== undefined ? { startedAt } : {}),
    findings: parsed['findings'].map((item, i) => readFinding(file, item, i)),
  };
}
