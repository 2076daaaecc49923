// Runs the enabled rules over the model. Fail closed: a rule whose data failed to collect in a
// region, or that throws, yields an *error* outcome (shown in every format, exit 3), never a
// pass. Offline, a rule whose data kind the input does not contain is *skipped* for that
// region and listed with the file that would enable it.
import { compareStrings as cmp } from '../compare.js';
import * as crypto from 'node:crypto';
import { attachmentsOf, type Attachments } from '../model/attachments.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import { pushTo } from '../model/multimap.js';
import { shellArg } from '../rules-kit/remediation.js';
import { unreachableBecause } from '../model/exposure-context.js';
import { scopeKey, type AuditModel, type ResourceRef, type SecurityGroup, type UnknownValue } from '../model/types.js';
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
  /** The message in one line, without its evidence (the rule's `summaries`); absent when the message is that already. */
  readonly summary?: string;
  readonly resource: ResourceRef;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly remediation: string;
  readonly remediationCommand?: string;
  readonly key: string;
  readonly fingerprint: string;
  /** The TCP/UDP ports and the sources the finding is about, when the rule says (for suppressions). */
  readonly ports?: readonly PortSpan[];
  readonly sources?: readonly string[];
  /** Set when exposure context lowered the severity: from what, and why (also said in the message). */
  readonly context?: FindingContext;
  /**
   * A plan or template audit: the values not known before apply that this finding depends on. The
   * check assumed the worst of each, so the finding may not hold once they are known (src/iac/).
   */
  readonly unknown?: readonly UnknownValue[];
}

export interface FindingContext {
  readonly loweredFrom: Severity;
  readonly reason: string;
}

export interface EvaluateOptions {
  /**
   * Severity in context for the rules that declare `exposureContext`: one level lower when the
   * internet cannot reach the group's exposure (src/model/exposure-context.ts). The CLI turns it
   * on unless --no-exposure-context or the config's `exposureContext: false` says otherwise.
   */
  readonly exposureContext?: boolean;
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
  return fillCompiled(compiledTemplate(template), data, String);
}

/** A template split at its {placeholders}: literal text at even indexes, placeholder names at odd ones. */
type CompiledTemplate = readonly string[];

// Every finding of a rule fills the same few templates: each is split once per run.
const COMPILED_TEMPLATES = new Map<string, CompiledTemplate>();

function compiledTemplate(template: string): CompiledTemplate {
  let compiled = COMPILED_TEMPLATES.get(template);
  if (!compiled) COMPILED_TEMPLATES.set(template, (compiled = template.split(/\{(\w+)\}/)));
  return compiled;
}

/** Fills each placeholder with `format` of its value; one without a value is left as written. */
function fillCompiled(parts: CompiledTemplate, data: Readonly<Record<string, string | number>>, format: (value: string) => string): string {
  // Joined, not concatenated: a finding keeps its message, and one flat string is smaller than a chain of pieces.
  return parts.map((part, i) => (i % 2 === 0 ? part : data[part] === undefined ? `{${part}}` : format(String(data[part])))).join('');
}

/**
 * A finding's identity across runs: rule, account, region, resource, what is wrong (the rule's
 * key: ports, families, sources) and the severity the rule itself gave it (a private source
 * turning public raises it). Names, messages, counts, timestamps, order, the configured
 * severity and exposure context stay out, so renaming a group, re-ranking a rule or stopping an
 * instance does not make old findings new (baseline.ts handles a context that no longer holds).
 */
export function fingerprintOf(parts: {
  ruleId: string;
  accountId: string;
  region: string;
  resourceId: string;
  key: string;
  ruleSeverity?: Severity;
}): string {
  return sha256Hex([parts.ruleId, parts.accountId, parts.region, parts.resourceId, parts.key, parts.ruleSeverity ?? ''].join('\n')).slice(0, 32);
}

// crypto.hash (Node 20.12 and later) hashes in one call: several times faster than a Hash object
// per finding, which adds up over 100k findings.
const sha256Hex: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text, 'hex')
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

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
  return {
    'security-group': index(model.groups),
    'network-acl': index(model.networkAcls),
    vpc: index(model.vpcs),
    'network-interface': index(model.interfaces),
  };
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
export function evaluate(
  model: AuditModel,
  rules: readonly ResolvedRule[],
  catalog: readonly ResolvedRule[] = rules,
  settings: EvaluateOptions = {},
): Evaluation {
  const findings: Finding[] = [];
  const outcomes: Outcome[] = [];
  const errors: AuditError[] = [];
  const skipped: SkippedRule[] = [];
  const enabled = new Set(rules.map((r) => r.rule.meta.id));
  const optionsById = new Map([...catalog, ...rules].map((r) => [r.rule.meta.id, r.options as Readonly<Record<string, unknown>>]));
  const resources = resourcesByScope(model);
  // A group's blast radius is the same on every finding about it: computed once, shared by reference.
  const attachmentsEvidence = new Map<string, { readonly attachments: Attachments }>();
  const attachmentsOfGroup = (groupId: string) => {
    let evidence = attachmentsEvidence.get(groupId);
    if (!evidence) attachmentsEvidence.set(groupId, (evidence = { attachments: attachmentsOf(model, groupId) }));
    return evidence;
  };

  for (const scope of model.scopes) {
    // One cause that stopped several kinds (a role that could not be assumed) is one error.
    const reported = new Set<string>();
    for (const [kind, status] of scope.kinds) {
      if (status.state === 'error') {
        const operation = status.error.operation || DATA_KIND_INFO[kind].operation;
        const key = `${operation}\n${status.error.code}\n${status.error.message}`;
        if (reported.has(key)) continue;
        reported.add(key);
        errors.push({
          kind: 'collection',
          accountId: scope.accountId,
          region: scope.region,
          operation,
          code: status.error.code,
          message: status.error.message,
          ...(status.error.hint ? { hint: status.error.hint } : {}),
        });
      }
    }
  }

  for (const { rule, severity, options } of rules) {
    const { meta } = rule;
    // One context for every resource the rule checks; what a check reports is collected per resource.
    let reports: FindingReport<string>[] = [];
    const context: RuleContext<object, string> = {
      options,
      model,
      report: (finding) => void reports.push(finding),
      isRuleEnabled: (id) => enabled.has(id),
      optionsOf: (id) => optionsById.get(id),
    };
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
      const inContext = settings.exposureContext === true && meta.exposureContext === true && meta.scope === 'security-group';
      for (const resource of resources[meta.scope].get(scopeKey(scope.accountId, scope.region)) ?? []) {
        reports = [];
        let status: OutcomeStatus;
        try {
          const applied = runCheck(rule, resource, context);
          status = !applied ? 'not_applicable' : reports.length > 0 ? 'fail' : 'pass';
          if (status === 'fail') {
            const attachments = withAttachments ? attachmentsOfGroup(resource.id) : {};
            for (const report of reports) {
              const template = meta.messages[report.messageId];
              if (template === undefined) throw new Error(`rule reported undeclared messageId "${report.messageId}"`);
              const reason = inContext ? unreachableBecause(model, scope, resource as SecurityGroup, report.ports ?? []) : undefined;
              findings.push(toFinding(rule, severity, resource.ref, report, template, attachments, reason));
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
  unreachable?: string,
): Finding {
  const { meta } = rule;
  const names =
    resource.type === 'security-group'
      ? { groupId: resource.id, groupName: resource.name }
      : resource.type === 'network-acl'
        ? { aclId: resource.id }
        : resource.type === 'network-interface'
          ? { interfaceId: resource.id }
          : { vpcId: resource.id };
  const data = { resourceId: resource.id, resourceName: resource.name, region: resource.region, ...names, ...report.data };
  // A rule may lower (or raise) one finding's severity, but a config override of the rule's
  // severity shifts every finding by the same number of steps.
  const given = report.severity ? shiftSeverity(report.severity, meta.severity, ruleSeverity) : ruleSeverity;
  // In context, one level lower than it would be; info stays info, and then nothing is said.
  const severity = unreachable !== undefined ? oneLevelLower(given) : given;
  const context = severity !== given && unreachable !== undefined ? { loweredFrom: given, reason: unreachable } : undefined;
  const message = fillCompiled(compiledTemplate(template), data, String);
  const summaryTemplate = meta.summaries?.[report.messageId];
  const summary = summaryTemplate === undefined ? undefined : fillCompiled(compiledTemplate(summaryTemplate), { ...data, sources: (report.sources ?? []).join(', ') }, String);
  // Ids in input files may be hostile: each value in a shell command is quoted as one word.
  const command = report.remediationCommand ?? (meta.remediation.cli ? fillCompiled(compiledTemplate(meta.remediation.cli), data, shellArg) : undefined);
  return {
    ruleId: meta.id,
    severity,
    title: meta.title,
    message: context ? `${message} — ${severity} rather than ${context.loweredFrom}: ${context.reason}` : message,
    ...(summary !== undefined ? { summary } : {}),
    resource,
    evidence: { ...report.evidence, ...attachments },
    remediation: meta.remediation.summary,
    ...(command !== undefined ? { remediationCommand: command } : {}),
    key: report.key,
    fingerprint: fingerprintOf({
      ruleId: meta.id,
      accountId: resource.accountId,
      region: resource.region,
      // Infrastructure as code: the address, which does not change when apply gives the resource its id.
      resourceId: resource.address ?? resource.id,
      key: report.key,
      ...(report.severity ? { ruleSeverity: report.severity } : {}),
    }),
    ...(report.ports ? { ports: report.ports } : {}),
    ...(report.sources ? { sources: report.sources } : {}),
    ...(context ? { context } : {}),
  };
}

const ORDER: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

function shiftSeverity(reported: Severity, ruleDefault: Severity, configured: Severity): Severity {
  const shift = ORDER.indexOf(configured) - ORDER.indexOf(ruleDefault);
  const index = Math.min(ORDER.length - 1, Math.max(0, ORDER.indexOf(reported) + shift));
  return ORDER[index] as Severity;
}

function oneLevelLower(severity: Severity): Severity {
  return ORDER[Math.max(0, ORDER.indexOf(severity) - 1)] as Severity;
}
