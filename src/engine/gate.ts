import type { Severity } from '../rules-kit/types.js';
import { severityRank } from '../rules-kit/types.js';
import type { BaselinedFinding } from './baseline.js';
import type { AuditError } from './evaluate.js';

export type FailOn = Severity | 'none';

/** Findings that fail the run: unsuppressed, at or above --fail-on, and (with a baseline) new. */
export function failingFindings<F extends BaselinedFinding>(findings: readonly F[], failOn: FailOn): F[] {
  if (failOn === 'none') return [];
  const threshold = severityRank(failOn);
  return findings.filter((f) => !f.suppressed && f.baseline !== 'unchanged' && severityRank(f.severity) >= threshold);
}

/**
 * DESIGN.md §5: 3 when the audit is incomplete (any collection or rule error) — it wins over 1,
 * because a gap in the data must never read as a clean pass; 1 when an unsuppressed finding
 * fails the run (a new one, with a baseline); else 0.
 */
export function exitCodeFor(findings: readonly BaselinedFinding[], errors: readonly AuditError[], failOn: FailOn): 0 | 1 | 3 {
  if (errors.length > 0) return 3;
  return failingFindings(findings, failOn).length > 0 ? 1 : 0;
}
