// Evaluation + rule metadata + run facts → AuditReport. Pure: the clock and version come in.
import type { Evaluation, ResolvedRule } from '../engine/evaluate.js';
import { exitCodeFor, failingFindings, type FailOn } from '../engine/gate.js';
import type { SuppressionResult } from '../engine/suppress.js';
import type { AuditModel } from '../model/types.js';
import { SEVERITIES, type Reference, type Severity } from '../rules-kit/types.js';
import type { AuditReport } from './types.js';

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
}

export function referenceText(ref: Reference): string {
  return [ref.framework, ref.version && `v${ref.version}`, ref.control].filter(Boolean).join(' ');
}

const uniqueSorted = (values: Iterable<string>) => [...new Set(values)].sort();

export function buildReport(
  model: AuditModel,
  rules: readonly ResolvedRule[],
  evaluation: Evaluation,
  run: RunFacts,
  /** Without it (no config), every finding stands. */
  suppression: SuppressionResult = { findings: evaluation.findings, suppressions: [], warnings: [] },
): AuditReport {
  const { findings } = suppression;
  const active = findings.filter((f) => !f.suppressed);
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of active) bySeverity[f.severity]++;
  const exitCode = exitCodeFor(findings, evaluation.errors, run.failOn);
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
    },
    summary: {
      status: exitCode === 3 ? 'incomplete' : exitCode === 1 ? 'fail' : 'pass',
      securityGroups: model.groups.length,
      rulesEvaluated: rules.length,
      findings: active.length,
      failing: failingFindings(findings, run.failOn).length,
      suppressed: findings.length - active.length,
      errors: evaluation.errors.length,
      skipped: evaluation.skipped.length,
      bySeverity,
    },
    rules: rules
      .map(({ rule, severity }) => ({
        id: rule.meta.id,
        title: rule.meta.title,
        severity,
        description: rule.meta.description,
        remediation: rule.meta.remediation.summary,
        references: rule.meta.references.map(referenceText),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    findings,
    suppressions: suppression.suppressions,
    errors: [...evaluation.errors].sort((a, b) =>
      `${a.accountId}/${a.region}/${a.kind}/${a.operation ?? ''}/${a.ruleId ?? ''}/${a.resourceId ?? ''}`.localeCompare(
        `${b.accountId}/${b.region}/${b.kind}/${b.operation ?? ''}/${b.ruleId ?? ''}/${b.resourceId ?? ''}`,
      ),
    ),
    skipped: evaluation.skipped,
    warnings: [...run.warnings, ...model.warnings, ...suppression.warnings],
  };
}
