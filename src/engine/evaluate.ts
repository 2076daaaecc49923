// Runs the enabled rules over the model. Fail closed: a rule whose data failed to collect in a
// region, or that throws, yields an *error* outcome (shown in every format, exit 3), never a
// pass. Offline, a rule whose data kind the input does not contain is *skipped* for that
// region and listed with the file that would enable it.
import { createHash } from 'node:crypto';
import { attachmentsOf } from '../model/attachments.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import { pushTo } from '../model/multimap.js';
import { shellArg } from '../rules-kit/remediation.js';
import { scopeKey, type AuditModel, type ResourceRef } from '../model/types.js';
import {
  SCOPE_KIND,
  severityRank,
  type AnyRule,
  type FindingReport,
  type PortSpan,
  type RuleContext,
  type RuleScope,
  type ScopeResources,
  type Severity,
} from '../rules-kit/types.js';

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
  /** The TCP/UDP ports and the sources the finding is about, when the rule says (for suppressions). */
  readonly ports?: readonly PortSpan[];
  readonly sources?: readonly string[];
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

/**
 * A finding's identity across runs: rule, account, region, resource, what is wrong (the rule's
 * key: ports, families, sources) and the severity the rule itself gave it (a private source
 * turning public raises it). Names, messages, counts, timestamps, order and the configured
 * severity stay out, so renaming a group or re-ranking a rule does not make old findings new.
 */
export function fingerprintOf(parts: {
  ruleId: string;
  accountId: string;
  region: string;
  resourceId: string;
  key: string;
  ruleSeverity?: Severity;
}): string {
  return createHash('sha256')
    .update([parts.ruleId, parts.accountId, parts.region, parts.resourceId, parts.key, parts.ruleSeverity ?? ''].join('\n'))
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

type AnyResource = ScopeResources[RuleScope];

/** Every resource of each scope, per account × region. */
function resourcesByScope(model: AuditModel): Record<RuleScope, Map<string, AnyResource[]>> {
  const index = (list: readonly AnyResource[]) => {
    const map = new Map<string, AnyResource[]>();
    // By the scope that collected it: a shared VPC or its ACLs belong to another account but are audited here.
    for (const item of list) pushTo(map, item.scope, item);
    return map;
  };
  return { 'security-group': index(model.groups), 'network-acl': index(model.networkAcls), vpc: index(model.vpcs) };
}

/** The one cast: the engine hands each rule only resources of its own scope. */
function runCheck(rule: AnyRule, resource: AnyResource, context: RuleContext<object, string>): boolean {
  const applies = rule.appliesTo as ((r: AnyResource) => boolean) | undefined;
  if (applies && !applies(resource)) return false;
  (rule.check as (r: AnyResource, c: RuleContext<object, string>) => void)(resource, context);
  return true;
}

/**
 * Runs the enabled rules. `catalog` holds the effective options of every catalog rule, enabled
 * or not, for rules that defer to another's configuration (defaults to the enabled ones).
 */
export function evaluate(model: AuditModel, rules: readonly ResolvedRule[], catalog: readonly ResolvedRule[] = rules): Evaluation {
  const findings: Finding[] = [];
  const outcomes: Outcome[] = [];
  const errors: AuditError[] = [];
  const skipped: SkippedRule[] = [];
  const enabled = new Set(rules.map((r) => r.rule.meta.id));
  const optionsById = new Map([...catalog, ...rules].map((r) => [r.rule.meta.id, r.options as Readonly<Record<string, unknown>>]));
  const resources = resourcesByScope(model);

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
    const primary = SCOPE_KIND[meta.scope];
    const needs: readonly DataKind[] = [primary, ...meta.requires.filter((k) => k !== primary)];
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
      const withAttachments = meta.scope === 'security-group' && scope.kinds.get('networkInterfaces')?.state === 'ok';
      for (const resource of resources[meta.scope].get(scopeKey(scope.accountId, scope.region)) ?? []) {
        const reports: FindingReport<string>[] = [];
        let status: OutcomeStatus;
        try {
          const applied = runCheck(rule, resource, {
            options,
            model,
            report: (finding) => void reports.push(finding),
            isRuleEnabled: (id) => enabled.has(id),
            optionsOf: (id) => optionsById.get(id),
          });
          status = !applied ? 'not_applicable' : reports.length > 0 ? 'fail' : 'pass';
          if (status === 'fail') {
            const attachments = withAttachments ? { attachments: attachmentsOf(model, resource.id) } : {};
            for (const report of reports) {
              const template = meta.messages[report.messageId];
              if (template === undefined) throw new Error(`rule reported undeclared messageId "${report.messageId}"`);
              findings.push(toFinding(rule, severity, resource.ref, report, template, attachments));
            }
          }
        } catch (error) {
          status = 'error';
          errors.push({
            kind: 'rule',
            accountId: resource.ref.accountId,
            region: resource.ref.region,
            ruleId: meta.id,
            resourceId: resource.id,
            code: 'RuleError',
            message: errorMessage(error),
          });
        }
        outcomes.push({ ruleId: meta.id, resource: resource.ref, status });
      }
    }
  }

  findings.sort(compareFindings);
  return { findings, outcomes, errors, skipped };
}

function toFinding(
  rule: AnyRule,
  ruleSeverity: Severity,
  resource: ResourceRef,
  report: FindingReport<string>,
  template: string,
  attachments: Readonly<Record<string, unknown>>,
): Finding {
  const { meta } = rule;
  const names =
    resource.type === 'security-group'
      ? { groupId: resource.id, groupName: resource.name }
      : resource.type === 'network-acl'
        ? { aclId: resource.id }
        : { vpcId: resource.id };
  const data = { resourceId: resource.id, resourceName: resource.name, region: resource.region, ...names, ...report.data };
  // A rule may lower (or raise) one finding's severity, but a config override of the rule's
  // severity shifts every finding by the same number of steps.
  const severity = report.severity ? shiftSeverity(report.severity, meta.severity, ruleSeverity) : ruleSeverity;
  const command = report.remediationCommand ?? (meta.remediation.cli ? fillTemplate(meta.remediation.cli, shellData(data)) : undefined);
  return {
    ruleId: meta.id,
    severity,
    title: meta.title,
    message: fillTemplate(template, data),
    resource,
    evidence: { ...report.evidence, ...attachments },
    remediation: meta.remediation.summary,
    ...(command !== undefined ? { remediationCommand: command } : {}),
    key: report.key,
    fingerprint: fingerprintOf({
      ruleId: meta.id,
      accountId: resource.accountId,
      region: resource.region,
      resourceId: resource.id,
      key: report.key,
      ...(report.severity ? { ruleSeverity: report.severity } : {}),
    }),
    ...(report.ports ? { ports: report.ports } : {}),
    ...(report.sources ? { sources: report.sources } : {}),
  };
}

/** Template values for a shell command, each quoted as one word (ids in input files may be hostile). */
function shellData(data: Readonly<Record<string, string | number>>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, shellArg(String(v))]));
}

const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

function shiftSeverity(reported: Severity, ruleDefault: Severity, configured: Severity): Severity {
  const shift = ORDER.indexOf(configured) - ORDER.indexOf(ruleDefault);
  const index = Math.min(ORDER.length - 1, Math.max(0, ORDER.indexOf(reported) + shift));
  return ORDER[index] as Severity;
}
