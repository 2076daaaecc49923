// Evaluation + rule metadata + run facts → AuditReport. Pure: the clock and version come in.
import type { BaselineResult } from '../engine/baseline.js';
import type { AuditError, Evaluation, Outcome, ResolvedRule } from '../engine/evaluate.js';
import { exitCodeFor, failingFindings, type FailOn } from '../engine/gate.js';
import type { SuppressionResult } from '../engine/suppress.js';
import type { AuditModel } from '../model/types.js';
import { SEVERITIES, type Reference, type Severity } from '../rules-kit/types.js';
import type { AuditReport, ChangeReport, ReportFinding, RuleChecks, ShardReport } from './types.js';

export interface RunFacts {
  readonly version: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly source: 'aws' | 'file';
  readonly inputs: readonly string[];
  readonly failOn: FailOn;
  /** The config file in use, if any. */
  readonly config?: string;
  /** Collection warnings (e.g. STS unavailable), shown with the model's own. */
  readonly warnings: readonly string[];
  /** With --shard: the shard's place in its run; the pairs it holds are read from the model. */
  readonly shard?: Omit<ShardReport, 'pairs'>;
}

export function referenceText(ref: Reference): string {
  return [ref.framework, ref.version && `v${ref.version}`, ref.control].filter(Boolean).join(' ');
}

const uniqueSorted = (values: Iterable<string>) => [...new Set(values)].sort();

const CHECK_FIELD = { pass: 'pass', fail: 'fail', not_applicable: 'notApplicable', error: 'error' } as const;

/** Per rule, how many resources passed, failed, did not apply or errored. */
function checksByRule(outcomes: readonly Outcome[]): Map<string, RuleChecks> {
  const counts = new Map<string, { pass: number; fail: number; notApplicable: number; error: number }>();
  for (const o of outcomes) {
    let c = counts.get(o.ruleId);
    if (!c) counts.set(o.ruleId, (c = { pass: 0, fail: 0, notApplicable: 0, error: 0 }));
    c[CHECK_FIELD[o.status]]++;
  }
  return counts;
}

const NO_CHECKS: RuleChecks = { pass: 0, fail: 0, notApplicable: 0, error: 0 };

/** The report's order of errors: account, region, kind, operation, rule, resource. */
export function compareErrors(a: AuditError, b: AuditError): number {
  return `${a.accountId}/${a.region}/${a.kind}/${a.operation ?? ''}/${a.ruleId ?? ''}/${a.resourceId ?? ''}`.localeCompare(
    `${b.accountId}/${b.region}/${b.kind}/${b.operation ?? ''}/${b.ruleId ?? ''}/${b.resourceId ?? ''}`,
  );
}

/**
 * The report's summary, from its findings (marked suppressed and, with a baseline, new or
 * unchanged) and errors: the same gate as the exit code (src/engine/gate.ts). Shared by an
 * audit's report and a merged one (src/report/merge.ts), so both count alike.
 */
export function summarize(input: {
  readonly findings: readonly ReportFinding[];
  readonly errors: readonly AuditError[];
  readonly skipped: number;
  readonly failOn: FailOn;
  readonly securityGroups: number;
  readonly rulesEvaluated: number;
}): AuditReport['summary'] {
  const { findings, failOn } = input;
  const active = findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of active) bySeverity[f.severity]++;
  const exitCode = exitCodeFor(findings, input.errors, failOn);
  return {
    status: exitCode === 3 ? 'incomplete' : exitCode === 1 ? 'fail' : 'pass',
    securityGroups: input.securityGroups,
    rulesEvaluated: input.rulesEvaluated,
    findings: active.length,
    failing: failingFindings(findings, failOn).length,
    suppressed: findings.length - active.length,
    errors: input.errors.length,
    skipped: input.skipped,
    bySeverity,
  };
}

/** The account × region pairs of the model: the regions of each account, sorted. */
function pairsOf(model: AuditModel): Record<string, string[]> {
  const regions = new Map<string, Set<string>>();
  for (const { accountId, region } of model.scopes) {
    let set = regions.get(accountId);
    if (!set) regions.set(accountId, (set = new Set()));
    set.add(region);
  }
  return Object.fromEntries([...regions.keys()].sort().map((account) => [account, [...(regions.get(account) ?? [])].sort()]));
}

export function buildReport(
  model: AuditModel,
  rules: readonly ResolvedRule[],
  evaluation: Evaluation,
  run: RunFacts,
  /** Without it (no config), every finding stands. */
  suppression: SuppressionResult = { findings: evaluation.findings, suppressions: [], warnings: [] },
  /** With --baseline: the findings marked new or unchanged, and the comparison. */
  baseline?: BaselineResult<ReportFinding>,
  /** A plan or template with a before side: what the change does (src/iac/). */
  change?: ChangeReport,
): AuditReport {
  const findings: readonly ReportFinding[] = baseline ? baseline.findings : suppression.findings;
  const checks = checksByRule(evaluation.outcomes);
  return {
    schemaVersion: 1,
    tool: { name: 'sg-audit', version: run.version },
    run: {
      startedAt: run.startedAt,
      finishedAt: run.finishedAt,
      source: run.source,
      accounts: uniqueSorted(model.scopes.map((s) => s.accountId)),
      regions: uniqueSorted(model.scopes.map((s) => s.region)),
      inputs: [...run.inputs],
      failOn: run.failOn,
      ...(run.config !== undefined ? { config: run.config } : {}),
      ...(run.shard !== undefined ? { shard: { ...run.shard, pairs: pairsOf(model) } } : {}),
    },
    summary: summarize({
      findings,
      errors: evaluation.errors,
      skipped: evaluation.skipped.length,
      failOn: run.failOn,
      securityGroups: model.groups.length,
      rulesEvaluated: rules.length,
    }),
    rules: rules
      .map(({ rule, severity }) => ({
        id: rule.meta.id,
        title: rule.meta.title,
        severity,
        description: rule.meta.description,
        remediation: rule.meta.remediation.summary,
        references: rule.meta.references.map(referenceText),
        checks: checks.get(rule.meta.id) ?? NO_CHECKS,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    findings,
    ...(baseline ? { baseline: baseline.report } : {}),
    ...(change ? { change } : {}),
    suppressions: suppression.suppressions,
    errors: [...evaluation.errors].sort(compareErrors),
    skipped: evaluation.skipped,
    warnings: [...run.warnings, ...model.warnings, ...suppression.warnings],
  };
}
