// Plans and templates through the one engine: each side of the change (before, after) becomes
// saved-JSON-shaped data (materialize.ts), over the account's when --context gives it, then the
// same model, rules and findings as an account. Values known only after apply are assumed at
// their worst, and again at their best: a finding of the worst pass that the best pass does not
// have depends on them, and is marked with what was assumed (it still counts: "might be open" is
// open to a gate). Pure: what was read comes in, the audit goes out.
import type { RawScope, RawSnapshot } from '../collect/types.js';
import { compareFindings, evaluate, type AuditError, type Evaluation, type Finding, type Outcome, type ResolvedRule, type SkippedRule } from '../engine/evaluate.js';
import { findingDelta } from '../engine/delta.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import { normalize } from '../model/normalize.js';
import { formatPortRanges, subtractPortRanges, type PortRange } from '../model/ports.js';
import { interfaceReachability } from '../model/reachability.js';
import type { AuditModel, ResourceRef, UnknownValue } from '../model/types.js';
import type { ChangeReport, NewlyExposed } from '../report/types.js';
import { materialize, type Assumption, type Materialized } from './materialize.js';
import { emptyWorld, type World } from './world.js';

/** What the inputs of one plan or template hold. */
export interface IacInput {
  readonly file: string;
  readonly kind: 'terraform-plan' | 'terraform-state' | 'cloudformation';
  /** What exists before the change: a plan's prior state. Undefined when the input cannot say (a template). */
  readonly before?: readonly World[];
  readonly after: readonly World[];
  /** Resources sg-audit reads, by the change planned for them. */
  readonly changes?: { readonly create: number; readonly update: number; readonly replace: number; readonly delete: number };
  readonly warnings: readonly string[];
}

export interface IacAuditOptions {
  readonly inputs: readonly IacInput[];
  /** The account's data (--context, or the live flags). */
  readonly context?: RawSnapshot;
  /** How the report names the context: the paths given, or "the live account". */
  readonly contextLabel?: string;
  /** --region: the region of resources whose provider or template does not say. */
  readonly region?: string;
  readonly rules: readonly ResolvedRule[];
  readonly catalog: readonly ResolvedRule[];
  readonly exposureContext: boolean;
}

export interface IacAudit {
  /** The after side, the worst assumed: the model the report describes. */
  readonly model: AuditModel;
  readonly evaluation: Evaluation;
  readonly snapshot: RawSnapshot;
  /** The before side's findings, when there is a before side: the change is measured against them. */
  readonly before?: { readonly findings: readonly Finding[]; readonly label: string };
  /** The change, without the marks of the gate (the CLI marks the findings). */
  readonly change?: Omit<ChangeReport, 'added' | 'unchanged' | 'fixed'>;
  readonly warnings: readonly string[];
}

/** Rules that judge a group or VPC by what else in the account uses it: a plan alone cannot tell. */
export const ACCOUNT_WIDE_RULES: readonly string[] = ['unused-sg', 'default-sg-in-use', 'sg-shared-by-all-instances', 'vpc-flow-logs-disabled'];

const CONTEXT_HINT = 'give the account with --context (saved aws ec2 describe-* JSON or a snapshot) or the live flags';

// The lists a World holds, to join the Worlds of several inputs.
const WORLD_LISTS = [
  'groups', 'groupRules', 'interfaces', 'instances', 'subnets', 'vpcs', 'networkAcls', 'aclRules', 'routeTables', 'routes',
  'associations', 'internetGateways', 'prefixLists', 'prefixListEntries', 'elasticIps', 'flowLogs',
] as const satisfies readonly (keyof World)[];

/** Worlds of the same account and region (several inputs) as one. */
function combine(worlds: readonly World[]): World[] {
  const byPlace = new Map<string, World>();
  for (const w of worlds) {
    const key = `${w.accountId ?? ''}/${w.region ?? ''}`;
    let joined = byPlace.get(key);
    if (!joined) byPlace.set(key, (joined = emptyWorld(w.origin, { ...(w.accountId ? { accountId: w.accountId } : {}), ...(w.region ? { region: w.region } : {}) })));
    for (const list of WORLD_LISTS) (joined[list] as unknown[]).push(...w[list]);
  }
  return [...byPlace.values()];
}

interface SideData {
  readonly snapshot: RawSnapshot;
  readonly pieces: readonly Materialized[];
}

/** One side (its worlds) as a snapshot, over the context, with one assumption about unknown values. */
function sideSnapshot(worlds: readonly World[], assume: Assumption, options: IacAuditOptions): SideData {
  const context = options.context;
  const contextScopes = context?.scopes ?? [];
  const used = new Set<RawScope>();
  const pieces: Materialized[] = [];
  for (const world of combine(worlds)) {
    const onlyRegion = new Set(contextScopes.map((s) => s.region)).size === 1 ? contextScopes[0]?.region : undefined;
    const region = world.region ?? options.region ?? onlyRegion ?? 'unknown';
    const candidates = contextScopes.filter((s) => s.region === region && (world.accountId === undefined || s.accountId === undefined || s.accountId === world.accountId));
    const scope = candidates.length === 1 ? candidates[0] : undefined;
    if (scope) used.add(scope);
    const accountId = world.accountId ?? scope?.accountId;
    pieces.push(materialize(world, assume, scope, { ...(accountId ? { accountId } : {}), region }));
  }
  const scopes = [...pieces.map((p) => p.scope), ...contextScopes.filter((s) => !used.has(s))];
  return {
    snapshot: {
      source: context?.source ?? 'file',
      inputs: [...options.inputs.map((i) => i.file), ...(context?.inputs ?? [])],
      scopes,
      warnings: [...(context?.warnings ?? []), ...pieces.flatMap((p) => p.warnings)],
    },
    pieces,
  };
}

const placeholder = (id: string) => id.includes(':');

/** The unknown values of each resource whose checks read them, across the pieces of one side. */
function unknownsByResource(pieces: readonly Materialized[]): Map<string, UnknownValue[]> {
  const byResource = new Map<string, UnknownValue[]>();
  for (const p of pieces) for (const u of p.unknowns) byResource.set(u.resourceId, [...(byResource.get(u.resourceId) ?? []), u.value]);
  return byResource;
}

/** The unknown values a finding's resource depends on: its own, and for an interface those of everything on its path. */
function relatedUnknowns(finding: Finding, pieces: readonly Materialized[], byResource: ReadonlyMap<string, readonly UnknownValue[]>): UnknownValue[] {
  const ids = [finding.resource.id, ...pieces.flatMap((p) => p.related.get(finding.resource.id) ?? [])];
  const seen = new Set<string>();
  return ids.flatMap((id) => byResource.get(id) ?? []).filter((u) => {
    const key = `${u.address}\n${u.attribute}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** "might be, if aws_vpc_security_group_ingress_rule.admin cidr_ipv4 (known after apply (from …)) is 0.0.0.0/0": for the message. */
function unknownText(values: readonly UnknownValue[]): string {
  const shown = values.slice(0, 3).map((u) => `${u.address} ${u.attribute} (${u.reason}) is ${u.assumed}`);
  return `might be, if ${shown.join('; and ')}${values.length > 3 ? `; and ${values.length - 3} more values known after apply` : ''}`;
}

interface SideAudit {
  readonly model: AuditModel;
  readonly evaluation: Evaluation;
  readonly snapshot: RawSnapshot;
  /** What the internet reaches on each interface when unknown values are the best (only when there are some). */
  readonly bestReach?: Reach;
  /** Interfaces whose way to the internet leaves the inputs. */
  readonly outside: ReadonlySet<string>;
}

/**
 * One side, evaluated: the worst pass, and when values are unknown the best pass too; findings
 * of one pass only are marked. Interfaces whose path leaves the inputs are skipped for
 * instance-exposed-to-internet; undecided checks become errors.
 */
function auditSide(worlds: readonly World[], options: IacAuditOptions): SideAudit {
  const planOnly = options.context === undefined;
  const rules = planOnly ? options.rules.filter((r) => !ACCOUNT_WIDE_RULES.includes(r.rule.meta.id)) : options.rules;
  // Without the account, what else uses a group is unknown: severity in context would lower findings it cannot judge.
  const settings = { exposureContext: options.exposureContext && !planOnly };
  const worst = sideSnapshot(worlds, 'worst', options);
  const model = normalize(worst.snapshot);
  const evaluation = evaluate(model, rules, options.catalog, settings);
  const unknowns = worst.pieces.some((p) => p.unknowns.length > 0);
  let findings: Finding[] = [...evaluation.findings];
  let outcomes: Outcome[] = [...evaluation.outcomes];
  let bestReach: Reach | undefined;
  if (unknowns) {
    // The best case's model lives only for its findings and reachability: one model less at the peak.
    const bestModel = normalize(sideSnapshot(worlds, 'best', options).snapshot);
    const bestEvaluation = evaluate(bestModel, rules, options.catalog, settings);
    bestReach = reachability(bestModel);
    const certain = new Set(bestEvaluation.findings.map((f) => f.fingerprint));
    const worstPrints = new Set(findings.map((f) => f.fingerprint));
    // A finding of the best pass only is one the worst pass reports otherwise (more ports, another
    // family) or not at all (a rule that reads the absence of something): kept only in the second case.
    const worstOn = new Set(findings.map((f) => `${f.ruleId}\n${f.resource.id}`));
    const onlyBest = bestEvaluation.findings.filter((f) => !worstPrints.has(f.fingerprint) && !worstOn.has(`${f.ruleId}\n${f.resource.id}`));
    const byResource = unknownsByResource(worst.pieces);
    const mark = (f: Finding): Finding => {
      if (certain.has(f.fingerprint) && worstPrints.has(f.fingerprint)) return f;
      const values = relatedUnknowns(f, worst.pieces, byResource);
      return values.length === 0 ? f : { ...f, unknown: values, message: `${f.message} — ${unknownText(values)}` };
    };
    findings = [...findings, ...onlyBest].map(mark);
    // A resource that fails only in the best pass fails too (its finding depends on the unknown values).
    const failing = new Set(onlyBest.map((f) => `${f.ruleId}\n${f.resource.id}`));
    outcomes = outcomes.map((o) => (failing.has(`${o.ruleId}\n${o.resource.id}`) && o.status === 'pass' ? { ...o, status: 'fail' } : o));
  }

  // Outside: the interface's way to the internet is not in the inputs.
  // Data the account would give goes to --context, not --input.
  const skipped: SkippedRule[] = evaluation.skipped.map((s) => ({ ...s, hint: s.hint.replace(/^add the output of (.*) to --input$/, 'give --context the output of $1') }));
  const outside = new Map(worst.pieces.flatMap((p) => p.outside.map((o) => [o.interfaceId, o] as const)));
  if (outside.size > 0) {
    const exposed = 'instance-exposed-to-internet';
    findings = findings.filter((f) => !(f.ruleId === exposed && outside.has(f.resource.id)));
    outcomes = outcomes.filter((o) => !(o.ruleId === exposed && outside.has(o.resource.id)));
    if (rules.some((r) => r.rule.meta.id === exposed)) {
      for (const scope of model.scopes) {
        const mine = model.interfaces.filter((i) => outside.has(i.id) && i.accountId === scope.accountId && i.region === scope.region);
        if (mine.length === 0) continue;
        const listed = mine.slice(0, 3).map((i) => {
          const o = outside.get(i.id);
          return `${o?.address ?? i.id} (${o?.missing.join(', ') ?? ''})`;
        });
        skipped.push({
          ruleId: exposed,
          accountId: scope.accountId,
          region: scope.region,
          missing: ['networkInterfaces', 'subnets', 'routeTables'] as DataKind[],
          hint: `not evaluated for ${mine.length} interface(s) whose way to the internet is not in the ${planOnly ? 'plan' : 'plan or the context'}: ${listed.join('; ')}${mine.length > 3 ? '; …' : ''}; ${CONTEXT_HINT}`,
        });
      }
    }
  }

  // Rules a plan alone cannot judge.
  if (planOnly) {
    for (const { rule } of options.rules) {
      if (!ACCOUNT_WIDE_RULES.includes(rule.meta.id)) continue;
      // What the account holds beyond the plan: every interface (what uses a group), every flow log.
      const missing = [...new Set<DataKind>(['networkInterfaces', ...rule.meta.requires.filter((k) => k === 'flowLogs' || k === 'instances')])];
      for (const scope of model.scopes) {
        const region = scope.region === 'unknown' ? '' : ` --region ${scope.region}`;
        skipped.push({
          ruleId: rule.meta.id,
          accountId: scope.accountId,
          region: scope.region,
          missing,
          hint: `what else uses a group or VPC is in the account, not in the plan: give --context the output of ${missing.map((k) => `\`${DATA_KIND_INFO[k].cliCommand}${region}\``).join(' and ')} (or a snapshot), or use the live flags`,
        });
      }
    }
  }

  // Undecided: errors (the audit is incomplete), and no verdict on those resources.
  const errors: AuditError[] = [...evaluation.errors];
  const enabled = new Set(rules.map((r) => r.rule.meta.id));
  for (const piece of worst.pieces) {
    for (const u of piece.undecided) {
      const ruleIds = u.ruleIds.length > 0 ? u.ruleIds.filter((id) => enabled.has(id)) : [undefined];
      for (const ruleId of ruleIds) {
        // About one resource when the rule checks that resource (an interface); else about the rule's whole verdict.
        const onResource = ruleId !== undefined && u.resourceId !== undefined && outcomes.some((o) => o.ruleId === ruleId && o.resource.id === u.resourceId);
        errors.push({
          kind: 'rule',
          accountId: piece.scope.accountId ?? model.scopes.find((s) => s.region === piece.scope.region)?.accountId ?? 'unknown',
          region: piece.scope.region,
          ...(ruleId !== undefined ? { ruleId } : {}),
          ...(onResource ? { resourceId: u.resourceId } : {}),
          code: 'KnownAfterApply',
          message: `not evaluated: ${u.message}`,
          hint: 'the check depends on it and has no worst case to assume: set the value in the configuration, or audit again after apply',
        });
        if (onResource) {
          findings = findings.filter((f) => !(f.ruleId === ruleId && f.resource.id === u.resourceId));
          outcomes = outcomes.map((o) => (o.ruleId === ruleId && o.resource.id === u.resourceId ? { ...o, status: 'error' } : o));
        }
      }
    }
  }

  // Without the account, "attached to no interface" means only "to none of the plan's".
  if (planOnly) {
    findings = findings.map((f) => {
      const attachments = f.evidence['attachments'];
      if (typeof attachments !== 'object' || attachments === null || (attachments as { interfaces?: unknown }).interfaces !== 0) return f;
      const { attachments: _none, ...evidence } = f.evidence;
      return { ...f, evidence };
    });
  }
  // The fix of a planned resource is in its code: no AWS command for an id apply has not given yet.
  findings = findings.map((f) => {
    if ((f.resource.address === undefined && !placeholder(f.resource.id)) || f.remediationCommand === undefined) return f;
    const { remediationCommand: _command, ...rest } = f;
    return rest;
  });
  return {
    model,
    evaluation: { findings: findings.sort(compareFindings), outcomes, errors, skipped },
    snapshot: worst.snapshot,
    outside: new Set(outside.keys()),
    ...(bestReach ? { bestReach } : {}),
  };
}

/** Per interface (by address, else id), its reachable ports per family and protocol. */
type Reach = Map<string, { resource: ResourceRef; instanceId?: string; ports: Map<string, PortRange[]> }>;

function reachability(model: AuditModel): Reach {
  const out: Reach = new Map();
  for (const eni of model.interfaces) {
    const ports = new Map<string, PortRange[]>();
    for (const r of interfaceReachability(model, eni)) {
      const key = `${r.family}/${r.protocol}`;
      ports.set(key, [...(ports.get(key) ?? []), ...r.ports]);
    }
    out.set(eni.ref.address ?? eni.id, { resource: eni.ref, ...(eni.instanceId ? { instanceId: eni.instanceId } : {}), ports });
  }
  return out;
}

/** Interfaces the internet reaches on ports after the change that it did not reach before. */
function newlyExposed(was: Reach, after: AuditModel, bestNow: Reach | undefined, skip: ReadonlySet<string>): NewlyExposed[] {
  const out: NewlyExposed[] = [];
  for (const [key, now] of reachability(after)) {
    if (skip.has(now.resource.id)) continue;
    const ports: NewlyExposed['ports'][number][] = [];
    for (const [what, ranges] of [...now.ports].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const before = was.get(key)?.ports.get(what) ?? [];
      const added = subtractPortRanges(ranges, before);
      if (added.length === 0) continue;
      const [family, protocol] = what.split('/') as ['ipv4' | 'ipv6', 'tcp' | 'udp'];
      // Ports newly reached only if values known after apply are the worst: said apart.
      const certain = bestNow ? subtractPortRanges(bestNow.get(key)?.ports.get(what) ?? [], before) : added;
      const might = subtractPortRanges(added, certain);
      const sure = subtractPortRanges(added, might);
      if (sure.length > 0) ports.push({ family, protocol, ports: formatPortRanges(sure) });
      if (might.length > 0) ports.push({ family, protocol, ports: formatPortRanges(might), unknown: true });
    }
    if (ports.length > 0) out.push({ resource: now.resource, ...(now.instanceId ? { instanceId: now.instanceId } : {}), ports });
  }
  return out;
}

/** The audit of the plans and templates: the after side, and the before side when there is one. */
export function auditIac(options: IacAuditOptions): IacAudit {
  const after = auditSide(options.inputs.flatMap((i) => i.after), options);
  const hasBefore = options.inputs.some((i) => i.before !== undefined) || options.context !== undefined;
  // The before side: its findings and what the internet reaches there; its model is not kept.
  const beforeSide = hasBefore ? auditSide(options.inputs.flatMap((i) => i.before ?? []), options) : undefined;
  const before = beforeSide ? { findings: beforeSide.evaluation.findings, reach: reachability(beforeSide.model) } : undefined;
  // A plan applied before has a prior state; one never applied compares with nothing (or the context).
  const prior = options.inputs.filter((i) => i.before !== undefined && i.before.length > 0);
  const firstApply = options.inputs.filter((i) => i.before !== undefined && i.before.length === 0);
  const label =
    [
      ...(prior.length > 0 ? [`the prior state of ${prior.map((p) => p.file).join(', ')}`] : []),
      ...(options.context !== undefined ? [`the context (${options.contextLabel ?? options.context.inputs.join(', ')})`] : []),
    ].join(' over ') || `nothing (${firstApply.map((p) => p.file).join(', ')} has no prior state)`;
  const resources = options.inputs.some((i) => i.changes)
    ? options.inputs.reduce(
        (sum, i) => ({
          create: sum.create + (i.changes?.create ?? 0),
          update: sum.update + (i.changes?.update ?? 0),
          replace: sum.replace + (i.changes?.replace ?? 0),
          delete: sum.delete + (i.changes?.delete ?? 0),
        }),
        { create: 0, update: 0, replace: 0, delete: 0 },
      )
    : undefined;
  const warnings = [...options.inputs.flatMap((i) => i.warnings)];
  return {
    model: after.model,
    evaluation: after.evaluation,
    snapshot: after.snapshot,
    ...(before ? { before: { findings: before.findings, label } } : {}),
    ...(hasBefore
      ? {
          change: {
            comparedWith: label,
            inputs: options.inputs.map((i) => ({ file: i.file, kind: i.kind })),
            ...(resources ? { resources } : {}),
            unknown: after.evaluation.findings.filter((f) => f.unknown !== undefined).length,
            newlyExposed: newlyExposed(before?.reach ?? new Map(), after.model, after.bestReach, after.outside),
          },
        }
      : {}),
    warnings,
  };
}

/** The change's counts once the after side's findings are compared with the before side's. */
export function changeCounts(before: readonly Finding[], after: readonly Finding[]): { added: number; unchanged: number; fixed: number } {
  const delta = findingDelta(before, after);
  return { added: delta.added.length, unchanged: delta.unchanged.length, fixed: delta.fixed.length };
}
