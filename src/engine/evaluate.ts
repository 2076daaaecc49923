// Runs the enabled rules over the model. Fail closed: a rule whose data failed to collect in a
// region, or that throws, yields an *error* outcome (shown in every format, exit 3), never a
// pass. Offline, a rule whose data kind the input does not contain is *skipped* for that
// region and listed with the file that would enable it.
import { createHash } from 'node:crypto';
import { attachmentsOf } from '../model/attachments.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import { scopeKey, type AuditModel, type ResourceRef, type SecurityGroup } from '../model/types.js';
import { severityRank, type AnyRule, type FindingReport, type Severity } from '../rules-kit/types.js';

export interface ResolvedRule {
  readonly rule: AnyRule;
  readonly severity: Severity;
  readonly options: object;
}

export interface Finding {
  readonly ruleId: string;
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
  readonly resource: ResourceRef;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly remediation: string;
  readonly remediationCommand?: string;
  readonly key: string;
  readonly fingerprint: string;
}

export type OutcomeStatus = 'pass' | 'fail' | 'not_applicable' | 'error';

export interface Outcome {
  readonly ruleId: string;
  readonly resource: ResourceRef;
  readonly status: OutcomeStatus;
}

export interface AuditError {
  readonly kind: 'collection' | 'rule';
  readonly accountId: string;
  readonly region: string;
  readonly operation?: string;
  readonly ruleId?: string;
  readonly resourceId?: string;
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
}

export interface SkippedRule {
  readonly ruleId: string;
  readonly accountId: string;
  readonly region: string;
  readonly missing: readonly DataKind[];
  /** The saved output that would let the rule run. */
  readonly hint: string;
}

export interface Evaluation {
  readonly findings: readonly Finding[];
  readonly outcomes: readonly Outcome[];
  readonly errors: readonly AuditError[];
  readonly skipped: readonly SkippedRule[];
}

export function fillTemplate(template: string, data: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = data[name];
    return value === undefined ? whole : String(value);
  });
}

export function fingerprintOf(parts: { ruleId: string; accountId: string; region: string; resourceId: string; key: string }): string {
  return createHash('sha256')
    .update([parts.ruleId, parts.accountId, parts.region, parts.resourceId, parts.key].join('\n'))
    .digest('hex')
    .slice(0, 32);
}

/** Deterministic order: severity, rule, account, region, resource, finding key. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.resource.accountId, b.resource.accountId) ||
    cmp(a.resource.region, b.resource.region) ||
    cmp(a.resource.id, b.resource.id) ||
    cmp(a.key, b.key)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function evaluate(model: AuditModel, rules: readonly ResolvedRule[]): Evaluation {
  const findings: Finding[] = [];
  const outcomes: Outcome[] = [];
  const errors: AuditError[] = [];
  const skipped: SkippedRule[] = [];
  const enabled = new Set(rules.map((r) => r.rule.meta.id));

  const groupsByScope = new Map<string, SecurityGroup[]>();
  for (const group of model.groups) {
    const key = scopeKey(group.accountId, group.region);
    const list = groupsByScope.get(key);
    if (list) list.push(group);
    else groupsByScope.set(key, [group]);
  }

  for (const scope of model.scopes) {
    for (const [kind, status] of scope.kinds) {
      if (status.state === 'error') {
        errors.push({
          kind: 'collection',
          accountId: scope.accountId,
          region: scope.region,
          operation: status.error.operation || DATA_KIND_INFO[kind].operation,
          code: status.error.code,
          message: status.error.message,
          ...(status.error.hint ? { hint: status.error.hint } : {}),
        });
      }
    }
  }

  for (const { rule, severity, options } of rules) {
    const { meta } = rule;
    const needs: readonly DataKind[] = ['securityGroups', ...meta.requires.filter((k) => k !== 'securityGroups')];
    for (const scope of model.scopes) {
      const statuses = needs.map((kind) => ({ kind, status: scope.kinds.get(kind) ?? { state: 'absent' as const } }));
      const failed = statuses.filter((s) => s.status.state === 'error');
      if (failed.length > 0) {
        errors.push({
          kind: 'rule',
          accountId: scope.accountId,
          region: scope.region,
          ruleId: meta.id,
          code: 'IncompleteData',
          message: `not evaluated: ${failed.map((f) => DATA_KIND_INFO[f.kind].operation).join(', ')} could not be collected`,
        });
        continue;
      }
      const missing = statuses.filter((s) => s.status.state === 'absent').map((s) => s.kind);
      if (missing.length > 0) {
        const regionFlag = scope.region === 'unknown' ? '' : ` --region ${scope.region}`;
        skipped.push({
          ruleId: meta.id,
          accountId: scope.accountId,
          region: scope.region,
          missing,
          hint: `add the output of ${missing.map((k) => `\`${DATA_KIND_INFO[k].cliCommand}${regionFlag}\``).join(' and ')} to --input`,
        });
        continue;
      }
      const withAttachments = scope.kinds.get('networkInterfaces')?.state === 'ok';
      for (const group of groupsByScope.get(scopeKey(scope.accountId, scope.region)) ?? []) {
        const reports: FindingReport<string>[] = [];
        let status: OutcomeStatus;
        try {
          if (rule.appliesTo && !rule.appliesTo(group)) {
            status = 'not_applicable';
          } else {
            rule.check(group, {
              options,
              model,
              report: (finding) => void reports.push(finding),
              isRuleEnabled: (id) => enabled.has(id),
            });
            status = reports.length > 0 ? 'fail' : 'pass';
          }
          if (status === 'fail') {
            const attachments = withAttachments ? { attachments: attachmentsOf(model, group.id) } : {};
            for (const report of reports) {
              const template = meta.messages[report.messageId];
              if (template === undefined) throw new Error(`rule reported undeclared messageId "${report.messageId}"`);
              findings.push(toFinding(rule, severity, group, report, template, attachments));
            }
          }
        } catch (error) {
          status = 'error';
          errors.push({
            kind: 'rule',
            accountId: group.accountId,
            region: group.region,
            ruleId: meta.id,
            resourceId: group.id,
            code: 'RuleError',
            message: errorMessage(error),
          });
        }
        outcomes.push({ ruleId: meta.id, resource: group.ref, status });
      }
    }
  }

  findings.sort(compareFindings);
  return { findings, outcomes, errors, skipped };
}

function toFinding(
  rule: AnyRule,
  ruleSeverity: Severity,
  group: SecurityGroup,
  report: FindingReport<string>,
  template: string,
  attachments: Readonly<Record<string, unknown>>,
): Finding {
  const { meta } = rule;
  const data = { groupId: group.id, groupName: group.name, region: group.region, ...report.data };
  // A rule may lower (or raise) one finding's severity, but a config override of the rule's
  // severity shifts every finding by the same number of steps.
  const severity = report.severity ? shiftSeverity(report.severity, meta.severity, ruleSeverity) : ruleSeverity;
  const command = meta.remediation.cli ? fillTemplate(meta.remediation.cli, data) : undefined;
  return {
    ruleId: meta.id,
    severity,
    title: meta.title,
    message: fillTemplate(template, data),
    resource: group.ref,
    evidence: { ...report.evidence, ...attachments },
    remediation: meta.remediation.summary,
    ...(command !== undefined ? { remediationCommand: command } : {}),
    key: report.key,
    fingerprint: fingerprintOf({
      ruleId: meta.id,
      accountId: group.accountId,
      region: group.region,
      resourceId: group.id,
      key: report.key,
    }),
  };
}

const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

function shiftSeverity(reported: Severity, ruleDefault: Severity, configured: Severity): Severity {
  const shift = ORDER.indexOf(configured) - ORDER.indexOf(ruleDefault);
  const index = Math.min(ORDER.length - 1, Math.max(0, ORDER.indexOf(reported) + shift));
  return ORDER[index] as Severity;
}
