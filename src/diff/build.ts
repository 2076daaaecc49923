// Two evaluated sides → the diff report. Pure: the CLI loads and evaluates each side with the
// audit's own engine (the same rules, options and suppressions), and brings the CloudTrail events.
//
//   groups     the structural comparison (compare.ts), each change with its view and attribution.
//   findings   new: a finding of the after side whose fingerprint the before side lacks (or that
//              the before side had only lowered in context), counted only where its rule ran on
//              both sides in that account and region; fixed: a before finding the after side
//              re-checked and no longer has. The baseline comparison of the audit does both
//              (src/engine/baseline.ts), so `diff` and `--baseline` agree.
//   exposure   per network interface, the ports the internet reaches (src/report/exposure.ts) on
//              each side, where both sides hold what reachability needs: gained and lost ports.
//   gate       what newly exposes something at or above --fail-on: a new unsuppressed finding, or
//              an interface that now reaches ports graded at or above it. Errors on a side, or in
//              CloudTrail, make the diff incomplete (exit 3), never a pass.
import { compareStrings as cmp } from '../compare.js';
import { attribution, type Attribution, type EventIndex, type Hit, type Where } from '../cloudtrail/attribute.js';
import { attributeFinding, interfaceOf, rulesAtFault } from '../cloudtrail/findings.js';
import { compareWithBaseline, type Baseline, type BaselineFinding } from '../engine/baseline.js';
import type { AuditError, Outcome } from '../engine/evaluate.js';
import { failingFindings, type FailOn } from '../engine/gate.js';
import type { SuppressedFinding } from '../engine/suppress.js';
import { permissionEvidence, permissionText } from '../model/exposure.js';
import type { DataKind } from '../model/kinds.js';
import { formatPortRanges, mergePortRanges, subtractPortRanges, type PortRange } from '../model/ports.js';
import { scopeKey, type AuditModel, type NetworkInterface, type Permission, type SecurityGroup } from '../model/types.js';
import type { ExposureGrading } from '../../rules/instance-exposed-to-internet.js';
import type { ExposureInterface, ExposureReport } from '../report/exposure.js';
import type { AuditReport } from '../report/types.js';
import { SEVERITIES, severityRank, type PortSpan, type Severity } from '../rules-kit/types.js';
import { compareModels, type GroupDelta, type RuleDelta } from './compare.js';
import type { AttachmentChange, ChangedFinding, DiffReport, DiffSide, ExposureChange, FixedFinding, GroupDiff, NewFinding, ReachChange, RuleChange, RuleView } from './types.js';

/** A side read from a snapshot or describe-* files, evaluated as an audit would. */
export interface ModelSide {
  readonly kind: 'model';
  readonly side: DiffSide;
  readonly model: AuditModel;
  readonly findings: readonly SuppressedFinding[];
  readonly outcomes: readonly Outcome[];
  readonly errors: readonly AuditError[];
  readonly warnings: readonly string[];
  /** What the internet reaches (buildExposure over the side). */
  readonly exposure: ExposureReport;
}

/** A side read from a JSON report: findings only. */
export interface ReportSide {
  readonly kind: 'report';
  readonly side: DiffSide;
  readonly report: AuditReport;
}

export type EvaluatedSide = ModelSide | ReportSide;

export interface DiffOptions {
  readonly version: string;
  readonly startedAt: string;
  readonly failOn: FailOn;
  readonly failOnChange?: boolean;
  readonly config?: string;
  readonly grading: ExposureGrading;
  /** The kinds every account × region must hold for its interfaces' reachability to be computed. */
  readonly reachabilityKinds: readonly DataKind[];
  /** With --cloudtrail. */
  readonly index?: EventIndex;
  readonly cloudtrail?: DiffReport['run']['cloudtrail'];
  readonly cloudtrailErrors?: readonly AuditError[];
  readonly warnings?: readonly string[];
}

// ── Views ────────────────────────────────────────────────────────────────────────────────────

export function ruleView(p: Permission): RuleView {
  const e = permissionEvidence(p);
  return {
    ...(p.ruleId ? { ruleId: p.ruleId } : {}),
    direction: p.direction,
    text: permissionText(p),
    protocol: e.protocol,
    ports: e.ports,
    source: e.source,
    ...(p.description ? { description: p.description } : {}),
  };
}

// Instances by id, once per model (an attachment change names the instance behind the interface).
const instanceIndex = new WeakMap<AuditModel, ReadonlyMap<string, AuditModel['instances'][number]>>();

function interfaceName(model: AuditModel, eni: NetworkInterface): string | undefined {
  let index = instanceIndex.get(model);
  if (!index) instanceIndex.set(model, (index = new Map(model.instances.map((i) => [i.id, i]))));
  const instance = eni.instanceId ? index.get(eni.instanceId) : undefined;
  return instance?.name ?? (eni.description || undefined);
}

// ── Scopes and rules that ran ────────────────────────────────────────────────────────────────

function scopesOf(side: EvaluatedSide): Set<string> {
  if (side.kind === 'model') return new Set(side.model.scopes.map((s) => scopeKey(s.accountId, s.region)));
  const { accounts, regions } = side.report.run;
  return new Set(accounts.flatMap((a) => regions.map((r) => scopeKey(a, r))));
}

/** rule × account × region a side evaluated (not skipped, not in error). */
function ranOn(side: EvaluatedSide): Set<string> {
  if (side.kind === 'model') return new Set(side.outcomes.filter((o) => o.status !== 'error').map((o) => `${o.ruleId}\n${o.resource.accountId}\n${o.resource.region}`));
  const { report } = side;
  const skipped = new Set(report.skipped.map((s) => `${s.ruleId}\n${s.accountId}\n${s.region}`));
  const ran = new Set<string>();
  for (const rule of report.rules) {
    if (rule.checks.pass + rule.checks.fail + rule.checks.notApplicable === 0) continue;
    for (const account of report.run.accounts) for (const region of report.run.regions) {
      const key = `${rule.id}\n${account}\n${region}`;
      if (!skipped.has(key)) ran.add(key);
    }
  }
  return ran;
}

/** What compareWithBaseline needs of the after side's checks: an outcome per rule × account × region it ran. */
function outcomesOf(side: EvaluatedSide): readonly Outcome[] {
  if (side.kind === 'model') return side.outcomes;
  return [...ranOn(side)].map((key) => {
    const [ruleId = '', accountId = '', region = ''] = key.split('\n');
    return { ruleId, status: 'pass', resource: { type: 'security-group', id: '', name: '', arn: '', accountId, region } };
  });
}

// ── Attribution ──────────────────────────────────────────────────────────────────────────────

const latest = (hits: readonly Hit[]): Hit[] => (hits.length === 0 ? [] : [hits.reduce((a, b) => (b.event.eventTime > a.event.eventTime ? b : a))]);

function ruleAttribution(index: EventIndex, delta: RuleDelta, group: SecurityGroup): Attribution {
  const where: Where = { accountId: group.accountId, region: group.region };
  const ref = { id: group.id, name: group.name };
  const { before, after } = delta;
  let hits: Hit[] = [];
  if (delta.change === 'added' && after) {
    hits = index.ruleHistory(after, ref, where).filter(({ effect }) => effect.kind !== 'rule-removed');
    if (hits.length === 0) hits = index.createdWith(after, ref, where);
  } else if (delta.change === 'removed' && before) {
    hits = index.removalEvents(before, ref, where);
  } else if (delta.change === 'modified' && before && after) {
    hits = index.modificationEvents(before, after, ref, where);
  } else if (delta.change === 'description' && before && after) {
    hits = index.descriptionEvents(after, ref, where);
    if (hits.length === 0) hits = index.modificationEvents(before, after, ref, where);
  } else if (delta.change === 'recreated' && before && after) {
    hits = [...index.removalEvents(before, ref, where).filter(({ effect }) => effect.kind === 'rule-removed'), ...index.contentEvents(after, ref, where)];
  }
  return attribution(index, hits, where, delta.direction);
}

function groupDiff(delta: GroupDelta, index: EventIndex | undefined, before: AuditModel | undefined, after: AuditModel | undefined): GroupDiff {
  const group = (delta.after ?? delta.before) as SecurityGroup;
  const where: Where = { accountId: group.accountId, region: group.region };
  const rules: RuleChange[] = delta.rules.map((r) => ({
    change: r.change,
    direction: r.direction,
    ...(r.before ? { before: ruleView(r.before) } : {}),
    ...(r.after ? { after: ruleView(r.after) } : {}),
    ...(index ? { attribution: ruleAttribution(index, r, group) } : {}),
  }));
  const attachments: AttachmentChange[] = delta.attachments.map(({ change, eni }) => {
    const name = interfaceName((change === 'gained' ? after : before) as AuditModel, eni);
    return {
      change,
      interfaceId: eni.id,
      ...(eni.instanceId ? { instanceId: eni.instanceId } : {}),
      ...(name ? { name } : {}),
      ...(index ? { attribution: attribution(index, latest(index.attachmentEvents(eni.id, eni.instanceId, group.id, where, change === 'gained')), where) } : {}),
    };
  });
  const lifecycle = delta.change === 'created' ? 'group-created' : delta.change === 'deleted' ? 'group-deleted' : undefined;
  return {
    accountId: group.accountId,
    region: group.region,
    groupId: group.id,
    name: group.name,
    ...(group.vpcId ? { vpcId: group.vpcId } : {}),
    change: delta.change,
    rules,
    attachments,
    ...(index && lifecycle ? { attribution: attribution(index, index.groupEvents({ id: group.id }, where, lifecycle), where) } : {}),
  };
}

/** Who closed what a fixed finding reported: the rules at fault revoked or modified, the group deleted or taken off the interface. */
function fixedAttribution(index: EventIndex, finding: SuppressedFinding, before: AuditModel, after: AuditModel): Attribution | undefined {
  const where: Where = { accountId: finding.resource.accountId, region: finding.resource.region };
  const rules = rulesAtFault(finding, before);
  const hits: Hit[] = [];
  for (const { group, permission } of rules) {
    const ref = { id: group.id, name: group.name };
    const now = after.groupsById.get(group.id);
    const same = permission.ruleId ? [...(now?.ingress ?? []), ...(now?.egress ?? [])].find((p) => p.ruleId === permission.ruleId) : undefined;
    hits.push(...latest(same ? index.modificationEvents(permission, same, ref, where) : index.removalEvents(permission, ref, where)));
  }
  if (finding.resource.type === 'network-interface') {
    const eni = interfaceOf(before, finding.resource.id);
    for (const groupId of new Set(rules.map((r) => r.group.id))) hits.push(...latest(index.attachmentEvents(finding.resource.id, eni?.instanceId, groupId, where, false)));
  } else if (finding.resource.type === 'security-group' && rules.length === 0) {
    hits.push(...index.groupEvents({ id: finding.resource.id }, where, 'group-deleted'));
  } else if (rules.length === 0) {
    return undefined;
  }
  return attribution(index, hits, where);
}

// ── Exposure ─────────────────────────────────────────────────────────────────────────────────

type ReachKey = `${'ipv4' | 'ipv6'} ${'tcp' | 'udp'}`;

function reachOf(row: ExposureInterface | undefined): Map<ReachKey, PortRange[]> {
  const map = new Map<ReachKey, PortRange[]>();
  for (const r of row?.reachable ?? []) {
    const key: ReachKey = `${r.family} ${r.protocol}`;
    map.set(key, mergePortRanges([...(map.get(key) ?? []), ...r.ports]));
  }
  return map;
}

function minus(a: Map<ReachKey, PortRange[]>, b: Map<ReachKey, PortRange[]>): Map<ReachKey, PortRange[]> {
  const out = new Map<ReachKey, PortRange[]>();
  for (const [key, ports] of a) {
    const left = subtractPortRanges(ports, b.get(key) ?? []);
    if (left.length > 0) out.set(key, left);
  }
  return out;
}

function reachChanges(map: Map<ReachKey, PortRange[]>): ReachChange[] {
  return [...map]
    .sort(([x], [y]) => cmp(x, y))
    .map(([key, ports]) => {
      const [family, protocol] = key.split(' ') as ['ipv4' | 'ipv6', 'tcp' | 'udp'];
      return { family, protocol, ports: formatPortRanges(ports) };
    });
}

const intersect = (a: readonly PortRange[], b: readonly PortRange[]) => subtractPortRanges(a, subtractPortRanges(a, b));

/** critical: an admin or high-risk port among them; high: another port not authorized; info: only authorized ones. */
function riskOf(map: Map<ReachKey, PortRange[]>, grading: ExposureGrading): ExposureChange['risk'] {
  let risk: ExposureChange['risk'] = 'info';
  for (const [key, ports] of map) {
    const protocol = key.endsWith('tcp') ? 'tcp' : 'udp';
    if (intersect(ports, grading.critical[protocol]).length > 0) return 'critical';
    if (subtractPortRanges(subtractPortRanges(ports, grading.critical[protocol]), grading.authorized[protocol]).length > 0) risk = 'high';
  }
  return risk;
}

/** The scopes whose interfaces' reachability a side computed. */
function reachabilityScopes(model: AuditModel, kinds: readonly DataKind[]): Set<string> {
  return new Set(model.scopes.filter((s) => kinds.every((k) => s.kinds.get(k)?.state === 'ok')).map((s) => scopeKey(s.accountId, s.region)));
}

function exposureAttribution(index: EventIndex, row: ExposureInterface, gained: Map<ReachKey, PortRange[]>, model: AuditModel): Attribution {
  const where: Where = { accountId: row.accountId, region: row.region };
  const hits: Hit[] = [];
  const path = row.reachable.filter((r) => gained.has(`${r.family} ${r.protocol}`)).flatMap((r) => r.path.permissions);
  const groups = new Set<string>();
  for (const mention of path) {
    const group = model.groupsById.get(mention.groupId);
    if (!group) continue;
    groups.add(group.id);
    const perms = group.ingress.filter((p) => (mention.ruleId ? p.ruleId === mention.ruleId : permissionText(p) === mention.permission));
    for (const p of perms) hits.push(...latest(index.contentEvents(p, { id: group.id, name: group.name }, where)));
  }
  for (const groupId of groups) hits.push(...latest(index.attachmentEvents(row.interfaceId, row.instanceId, groupId, where, true)));
  hits.push(...latest(index.addressEvents(row.interfaceId, row.instanceId, where)));
  const found = attribution(index, hits, where);
  return found.events.length > 0 || !index.covers(where)
    ? found
    : { events: [], unmatched: `${found.unmatched}; or the path opened outside the security groups (a route, network ACL or public address)` };
}

function exposureChanges(before: ModelSide, after: ModelSide, options: DiffOptions, limits: string[]): ExposureChange[] {
  const scopes = reachabilityScopes(before.model, options.reachabilityKinds);
  const afterScopes = reachabilityScopes(after.model, options.reachabilityKinds);
  const both = new Set([...scopes].filter((s) => afterScopes.has(s)));
  const missing = [...new Set([...scopes, ...afterScopes, ...scopesOf(before), ...scopesOf(after)])].filter((s) => !both.has(s) && scopesOf(before).has(s) && scopesOf(after).has(s));
  if (missing.length > 0) {
    limits.push(`reachability not compared in ${missing.map((s) => s.replace('/', ' ')).join(', ')}: a side lacks ${options.reachabilityKinds.join(', ')}`);
  }
  const rowsOf = (side: ModelSide) => new Map(side.exposure.interfaces.filter((r) => both.has(scopeKey(r.accountId, r.region))).map((r) => [`${r.accountId}/${r.region}/${r.interfaceId}`, r]));
  const was = rowsOf(before);
  const now = rowsOf(after);
  const changes: ExposureChange[] = [];
  for (const key of new Set([...was.keys(), ...now.keys()])) {
    const b = was.get(key);
    const a = now.get(key);
    const reachBefore = reachOf(b);
    const reachAfter = reachOf(a);
    const gained = minus(reachAfter, reachBefore);
    const lost = minus(reachBefore, reachAfter);
    if (gained.size === 0 && lost.size === 0) continue;
    const row = (a ?? b) as ExposureInterface;
    const change: ExposureChange['change'] = !b ? 'newly' : !a ? 'no-longer' : gained.size > 0 ? 'more' : 'less';
    const opening = gained.size > 0;
    const name = row.instanceName ?? row.description;
    changes.push({
      accountId: row.accountId,
      region: row.region,
      interfaceId: row.interfaceId,
      ...(row.instanceId ? { instanceId: row.instanceId } : {}),
      ...(name ? { name } : {}),
      change,
      risk: riskOf(opening ? gained : lost, options.grading),
      gained: reachChanges(gained),
      lost: reachChanges(lost),
      ...(options.index && opening && a ? { attribution: exposureAttribution(options.index, a, gained, after.model) } : {}),
    });
  }
  const opens = (c: ExposureChange) => (c.change === 'newly' || c.change === 'more' ? 0 : 1);
  const riskRank = { critical: 0, high: 1, info: 2 } as const;
  return changes.sort((x, y) => opens(x) - opens(y) || riskRank[x.risk] - riskRank[y.risk] || cmp(x.accountId, y.accountId) || cmp(x.region, y.region) || cmp(x.interfaceId, y.interfaceId));
}

// ── Findings that changed ────────────────────────────────────────────────────────────────────

const resourceKey = (f: { ruleId: string; resource: { accountId: string; region: string; id: string } }) => `${f.ruleId}\n${f.resource.accountId}\n${f.resource.region}\n${f.resource.id}`;

/** New and fixed findings of the same rule on the same resource, paired in order; the rest stay new or fixed. */
function pairChanged<N extends SuppressedFinding, F extends BaselineFinding>(added: readonly N[], removed: readonly F[]): { pairs: { before: F; after: N }[]; added: N[]; removed: F[] } {
  const waiting = new Map<string, F[]>();
  for (const f of removed) waiting.set(resourceKey(f), [...(waiting.get(resourceKey(f)) ?? []), f]);
  const pairs: { before: F; after: N }[] = [];
  const stillNew: N[] = [];
  for (const f of added) {
    const was = waiting.get(resourceKey(f))?.shift();
    if (was) pairs.push({ before: was, after: f });
    else stillNew.push(f);
  }
  const paired = new Set(pairs.map((p) => p.before));
  return { pairs, added: stillNew, removed: removed.filter((f) => !paired.has(f)) };
}

/** Whether every span of `inner` lies within `outer`'s spans of its protocol. */
function spansWithin(inner: readonly PortSpan[], outer: readonly PortSpan[]): boolean {
  return inner.every((span) => subtractPortRanges([{ from: span.from, to: span.to }], outer.filter((o) => o.protocol === span.protocol)).length === 0);
}

const familiesOf = (key: string) => new Set(key.match(/\bipv[46]\b/g) ?? []);

/**
 * Whether a finding that changed now covers something it did not: a higher severity, a port, a
 * source or an address family more. For an interface, what it reaches is compared exactly
 * (`gainedOn`: the interfaces whose reachable ports grew). Without the earlier finding whole, a
 * change counts as wider.
 */
function isWider(was: BaselineFinding, now: SuppressedFinding, wasWhole: SuppressedFinding | undefined, gainedOn: ReadonlySet<string> | undefined): boolean {
  if (severityRank(now.severity) > severityRank(was.severity)) return true;
  if (now.resource.type === 'network-interface' && gainedOn) return gainedOn.has(`${now.resource.accountId}/${now.resource.region}/${now.resource.id}`);
  if (!wasWhole) return true;
  const sourcesBefore = new Set(wasWhole.sources ?? []);
  const familiesBefore = familiesOf(wasWhole.key);
  return (
    !spansWithin(now.ports ?? [], wasWhole.ports ?? []) ||
    (now.sources ?? []).some((s) => !sourcesBefore.has(s)) ||
    [...familiesOf(now.key)].some((f) => !familiesBefore.has(f))
  );
}

// ── The report ───────────────────────────────────────────────────────────────────────────────

const EXPOSURE_SEVERITY: Readonly<Record<ExposureChange['risk'], Severity>> = { critical: 'critical', high: 'high', info: 'info' };

/** Exposure changes that fail the run: newly reaching ports graded at or above --fail-on. */
export function failingExposure(changes: readonly ExposureChange[], failOn: FailOn): ExposureChange[] {
  if (failOn === 'none') return [];
  return changes.filter((c) => (c.change === 'newly' || c.change === 'more') && severityRank(EXPOSURE_SEVERITY[c.risk]) >= severityRank(failOn));
}

export function buildDiff(before: EvaluatedSide, after: EvaluatedSide, options: DiffOptions): DiffReport {
  const limits: string[] = [];
  const models = before.kind === 'model' && after.kind === 'model' ? { before, after } : undefined;
  const { index } = options;

  // Groups, rules and attachments: only between two models.
  let groups: GroupDiff[] = [];
  if (models) {
    const comparison = compareModels(models.before.model, models.after.model);
    limits.push(...comparison.limits);
    groups = comparison.groups.map((g) => groupDiff(g, index, models.before.model, models.after.model));
  } else {
    const report = (before.kind === 'report' ? before : after).side.input;
    limits.push(
      `rules, groups and attachments not compared: ${report} is a JSON report, which holds findings, not the security groups; compare snapshots (sg-audit collect) or saved describe-* files for those`,
    );
  }

  // Findings: the audit's baseline comparison, within the pairs both sides hold and the rules both ran.
  const common = new Set([...scopesOf(before)].filter((s) => scopesOf(after).has(s)));
  const inCommon = (f: { resource: { accountId: string; region: string } }) => common.has(scopeKey(f.resource.accountId, f.resource.region));
  const beforeFindings: readonly (BaselineFinding | SuppressedFinding)[] = before.kind === 'model' ? before.findings : before.report.findings;
  const afterFindings: readonly SuppressedFinding[] = after.kind === 'model' ? after.findings : after.report.findings;
  const baseline: Baseline = { file: before.side.input, ...(before.side.time ? { startedAt: before.side.time } : {}), findings: beforeFindings };
  const compared = compareWithBaseline(afterFindings.filter(inCommon), baseline, outcomesOf(after).filter(inCommon));
  const ranBefore = ranOn(before);
  const newOnes = compared.findings.filter((f) => f.baseline === 'new');
  const comparable = newOnes.filter((f) => ranBefore.has(`${f.ruleId}\n${f.resource.accountId}\n${f.resource.region}`));
  if (comparable.length < newOnes.length) {
    const rules = [...new Set(newOnes.filter((f) => !comparable.includes(f)).map((f) => f.ruleId))].sort();
    limits.push(`${newOnes.length - comparable.length} findings of rules the before side did not run (${rules.join(', ')}: their data was missing there) are not counted as new`);
  }
  // What the internet reaches.
  const exposure = models ? exposureChanges(models.before, models.after, options, limits) : [];
  if (!models) limits.push('reachability not compared: a JSON report does not hold the network (interfaces, ACLs, routes)');

  // The before side's findings whole (a report keeps them whole too): their summaries, ports and sources.
  const beforeByFingerprint = new Map<string, SuppressedFinding>((before.kind === 'model' ? before.findings : before.report.findings).map((f) => [f.fingerprint, f]));
  // A group finding its rules do not explain (unused-sg after a detachment) is explained by the group's own changes.
  const groupEvents = new Map(groups.map((g) => [`${g.accountId}/${g.region}/${g.groupId}`, [...g.attachments.map((a) => a.attribution), g.attribution]]));
  const withGroupEvents = (f: SuppressedFinding | BaselineFinding, found: Attribution): Attribution => {
    if (found.events.length > 0 || f.resource.type !== 'security-group') return found;
    const events = (groupEvents.get(`${f.resource.accountId}/${f.resource.region}/${f.resource.id}`) ?? []).flatMap((a) => a?.events ?? []);
    return events.length > 0 ? { events: [...events].sort((x, y) => cmp(x.eventTime, y.eventTime)) } : found;
  };
  const opened = (f: SuppressedFinding): NewFinding => {
    const found = index && after.kind === 'model' ? attributeFinding(f, after.model, index) : undefined;
    return found ? { ...f, attribution: withGroupEvents(f, found) } : f;
  };
  const closed = (f: BaselineFinding): FixedFinding => {
    const full = beforeByFingerprint.get(f.fingerprint);
    const found = index && models && full ? fixedAttribution(index, full, models.before.model, models.after.model) : undefined;
    return { ...f, ...(full?.summary ? { summary: full.summary } : {}), ...(found ? { attribution: withGroupEvents(f, found) } : {}) };
  };
  // A new and a fixed finding of one rule on one resource are one finding that changed.
  const reshaped = pairChanged(comparable, compared.report.fixedFindings.filter(inCommon));
  const gainedOn = new Set(exposure.filter((c) => c.change === 'newly' || c.change === 'more').map((c) => `${c.accountId}/${c.region}/${c.interfaceId}`));
  const reachabilityCompared = models !== undefined;
  const changedFindings: ChangedFinding[] = reshaped.pairs.map(({ before: was, after: now }) => {
    const wider = isWider(was, now, beforeByFingerprint.get(was.fingerprint), reachabilityCompared ? gainedOn : undefined);
    return { before: closed(was), after: opened(now), change: wider ? 'wider' : 'narrower' };
  });
  const newFindings = reshaped.added.map(opened);
  const fixedFindings = reshaped.removed.map(closed);

  const errors: AuditError[] = [
    ...(before.kind === 'model' ? before.errors : before.report.errors),
    ...(after.kind === 'model' ? after.errors : after.report.errors),
    ...(options.cloudtrailErrors ?? []),
  ];
  const widened = changedFindings.filter((c) => c.change === 'wider').map((c) => c.after);
  const failing = failingFindings([...newFindings, ...widened], options.failOn).length + failingExposure(exposure, options.failOn).length;
  const ruleChanges = groups.flatMap((g) => g.rules);
  const attachmentChanges = groups.flatMap((g) => g.attachments);
  const attributions = [
    ...ruleChanges.map((r) => r.attribution),
    ...attachmentChanges.map((a) => a.attribution),
    ...groups.filter((g) => g.change !== 'changed').map((g) => g.attribution),
  ].filter((a): a is Attribution => a !== undefined);
  const newBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, [...newFindings, ...widened].filter((f) => !f.suppressed && f.severity === s).length])) as Record<Severity, number>;
  const count = (kinds: readonly RuleChange['change'][]) => ruleChanges.filter((r) => kinds.includes(r.change)).length;
  const changes =
    groups.filter((g) => g.change !== 'changed').length +
    ruleChanges.length +
    attachmentChanges.length +
    newFindings.length +
    changedFindings.length +
    fixedFindings.length +
    exposure.length;
  const failed = failing > 0 || (options.failOnChange === true && changes > 0);

  return {
    schemaVersion: 1,
    kind: 'diff',
    tool: { name: 'sg-audit', version: options.version },
    run: {
      startedAt: options.startedAt,
      before: before.side,
      after: after.side,
      failOn: options.failOn,
      ...(options.failOnChange ? { failOnChange: true as const } : {}),
      ...(options.config !== undefined ? { config: options.config } : {}),
      ...(options.cloudtrail ? { cloudtrail: options.cloudtrail } : {}),
    },
    summary: {
      status: errors.length > 0 ? 'incomplete' : failed ? 'fail' : 'pass',
      changes,
      groupsCreated: groups.filter((g) => g.change === 'created').length,
      groupsDeleted: groups.filter((g) => g.change === 'deleted').length,
      groupsChanged: groups.filter((g) => g.change === 'changed').length,
      rulesAdded: count(['added']),
      rulesRemoved: count(['removed']),
      rulesModified: count(['modified', 'recreated', 'description']),
      attachmentsGained: attachmentChanges.filter((a) => a.change === 'gained').length,
      attachmentsLost: attachmentChanges.filter((a) => a.change === 'lost').length,
      newFindings: newFindings.length,
      widerFindings: widened.length,
      narrowerFindings: changedFindings.length - widened.length,
      fixedFindings: fixedFindings.length,
      newlyReachable: exposure.filter((c) => c.change === 'newly' || c.change === 'more').length,
      noLongerReachable: exposure.filter((c) => c.change === 'no-longer' || c.change === 'less').length,
      failing,
      ...(index ? { attributed: attributions.filter((a) => a.events.length > 0).length, unattributed: attributions.filter((a) => a.events.length === 0).length } : {}),
      newBySeverity,
    },
    groups,
    findings: { new: newFindings, changed: changedFindings, fixed: fixedFindings, notRechecked: compared.report.notRechecked },
    exposure,
    limits,
    errors,
    warnings: [
      ...(options.warnings ?? []),
      ...(before.kind === 'model' ? before.warnings.map((w) => `before: ${w}`) : []),
      ...(after.kind === 'model' ? after.warnings.map((w) => `after: ${w}`) : []),
    ],
  };
}
