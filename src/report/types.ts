// The one versioned structure every renderer takes (DESIGN.md §6). A field is only ever added
// within a schema version; renaming or removing one bumps `schemaVersion`.
import type { AuditError, Finding, Outcome, SkippedRule } from '../engine/evaluate.js';
import type { FailOn } from '../engine/gate.js';
import type { SuppressedFinding, SuppressionMark, SuppressionReport, SuppressionStatus } from '../engine/suppress.js';
import type { Severity } from '../rules-kit/types.js';

export type { AuditError, Finding, Outcome, SkippedRule, SuppressionMark, SuppressionReport, SuppressionStatus };

/** A finding as reported: a suppressed one carries `suppressed` (reason, owner, expiry). */
export type ReportFinding = SuppressedFinding;

export interface ReportRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly string[];
}

export interface AuditReport {
  readonly schemaVersion: 1;
  readonly tool: { readonly name: 'sg-audit'; readonly version: string };
  readonly run: {
    readonly startedAt: string;
    readonly finishedAt: string;
    readonly source: 'aws' | 'file';
    readonly accounts: readonly string[];
    readonly regions: readonly string[];
    readonly inputs: readonly string[];
    readonly failOn: FailOn;
    /** The config file in use, when there is one. */
    readonly config?: string;
  };
  readonly summary: {
    /** pass: nothing fails the run; fail: findings at or above failOn; incomplete: errors (exit 3). */
    readonly status: 'pass' | 'fail' | 'incomplete';
    readonly securityGroups: number;
    readonly rulesEvaluated: number;
    /** Unsuppressed findings (bySeverity counts these too). */
    readonly findings: number;
    /** Unsuppressed findings at or above failOn. */
    readonly failing: number;
    /** Findings a suppression accepts; they are in `findings` below, marked `suppressed`. */
    readonly suppressed: number;
    readonly errors: number;
    readonly skipped: number;
    readonly bySeverity: Readonly<Record<Severity, number>>;
  };
  readonly rules: readonly ReportRule[];
  /** Every finding, suppressed ones included. */
  readonly findings: readonly ReportFinding[];
  /** Every suppression of the config, with its status and how many findings it matched. */
  readonly suppressions: readonly SuppressionReport[];
  readonly errors: readonly AuditError[];
  readonly skipped: readonly SkippedRule[];
  readonly warnings: readonly string[];
}
