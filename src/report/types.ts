// The one versioned structure every renderer takes (DESIGN.md §6). A field is only ever added
// within a schema version; renaming or removing one bumps `schemaVersion`.
import type { Attribution } from '../cloudtrail/attribute.js';
import type { BaselinedFinding, BaselineFinding, BaselineReport, BaselineStatus } from '../engine/baseline.js';
import type { AuditError, Finding, Outcome, OutcomeStatus, SkippedRule } from '../engine/evaluate.js';
import type { FailOn } from '../engine/gate.js';
import type { SuppressedFinding, SuppressionMark, SuppressionReport, SuppressionStatus } from '../engine/suppress.js';
import type { ResourceRef } from '../model/types.js';
import type { Severity } from '../rules-kit/types.js';

export type {
  AuditError,
  BaselineFinding,
  BaselineReport,
  BaselineStatus,
  Finding,
  Outcome,
  OutcomeStatus,
  SkippedRule,
  SuppressedFinding,
  SuppressionMark,
  SuppressionReport,
  SuppressionStatus,
};

/**
 * A finding as reported: a suppressed one carries `suppressed` (reason, owner, expiry); with
 * --baseline, each carries `baseline: 'new' | 'unchanged'`.
 */
export type ReportFinding = BaselinedFinding & {
  /** With --cloudtrail: who opened what the finding reports (the events that gave its rules their content). */
  readonly attribution?: Attribution;
};

/** How a rule's checks came out, one count per evaluated resource. */
export interface RuleChecks {
  readonly pass: number;
  readonly fail: number;
  readonly notApplicable: number;
  readonly error: number;
}

export interface ReportRule {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly string[];
  /** Resources the rule checked, by result (a resource with two findings of the rule fails once). */
  readonly checks: RuleChecks;
}

/**
 * A shard's place in its run (--shard K/N), and what `sg-audit merge` checks: every index of
 * 1..total once, and the same run, plan, rules and suppressions in each.
 */
export interface ShardReport {
  /** 1-based. */
  readonly index: number;
  readonly total: number;
  /** The scheduler's run (SG_AUDIT_RUN_ID, or the AWS Batch array job), when known. */
  readonly run?: string;
  /** Every account × region pair of the run as this shard resolved them: how many, and a digest of the sorted list. */
  readonly plan: { readonly pairs: number; readonly digest: string };
  /** Digest of the rules as they ran: which, their severities and options, severity in context. */
  readonly rules: string;
  /** Digest of the config's suppressions. */
  readonly suppressions: string;
  /** The pairs this shard audited: the regions of each account, sorted. */
  readonly pairs: Readonly<Record<string, readonly string[]>>;
}

// ── Plans and templates (src/iac/) ───────────────────────────────────────────────────────────

/** An interface the internet reaches on more ports after the change than before. */
export interface NewlyExposed {
  readonly resource: ResourceRef;
  readonly instanceId?: string;
  /** Ports newly reached, per family and protocol; `unknown` when only if values known after apply turn out the worst. */
  readonly ports: readonly { readonly family: 'ipv4' | 'ipv6'; readonly protocol: 'tcp' | 'udp'; readonly ports: string; readonly unknown?: true }[];
}

/** The report's `change` section (src/report/types.ts). */
export interface ChangeReport {
  /** What the change is compared with: "the prior state of plan.json", "the context (saved/)". */
  readonly comparedWith: string;
  readonly inputs: readonly { readonly file: string; readonly kind: 'terraform-plan' | 'terraform-state' | 'cloudformation' }[];
  readonly resources?: { readonly create: number; readonly update: number; readonly replace: number; readonly delete: number };
  /** Findings the change adds, leaves and fixes. */
  readonly added: number;
  readonly unchanged: number;
  readonly fixed: number;
  /** Findings (of the after side) that depend on values known only after apply. */
  readonly unknown: number;
  readonly newlyExposed: readonly NewlyExposed[];
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
    /** With --shard: which part of the run's account × region pairs this report holds. */
    readonly shard?: ShardReport;
  };
  readonly summary: {
    /** pass: nothing fails the run; fail: findings at or above failOn; incomplete: errors (exit 3). */
    readonly status: 'pass' | 'fail' | 'incomplete';
    readonly securityGroups: number;
    readonly rulesEvaluated: number;
    /** Unsuppressed findings (bySeverity counts these too). */
    readonly findings: number;
    /** Unsuppressed findings at or above failOn (with a baseline: new ones only). */
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
  /** With --baseline: how this run compares with the earlier report. */
  readonly baseline?: BaselineReport;
  /**
   * A plan or template audited with a before side (a plan's prior state, or --context): what the
   * change does. Without --baseline, `baseline` holds the same comparison for the gate.
   */
  readonly change?: ChangeReport;
  /** Every suppression of the config, with its status and how many findings it matched. */
  readonly suppressions: readonly SuppressionReport[];
  readonly errors: readonly AuditError[];
  readonly skipped: readonly SkippedRule[];
  readonly warnings: readonly string[];
}
