// A finding's attribution: the rules a finding blames (its evidence names them, with their sgr-
// ids when known) found in the model, then the CloudTrail events that gave each rule its current
// content, and for an interface the events that put the groups on it. Pure.
import { permissionEvidence, permissionText } from '../model/exposure.js';
import type { AuditModel, Permission, ResourceRef, SecurityGroup } from '../model/types.js';
import { attribution, type Attribution, type EventIndex, type Hit } from './attribute.js';

type Json = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** What attribution reads of a finding. */
export interface AttributableFinding {
  readonly resource: ResourceRef;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface RuleAtFault {
  readonly group: SecurityGroup;
  readonly permission: Permission;
}

/** Objects in the evidence that name a rule: a permission's evidence, or a path's permission. */
function* ruleMentions(value: unknown, depth = 0): Generator<Json> {
  if (depth > 6) return;
  if (Array.isArray(value)) {
    for (const item of value) yield* ruleMentions(item, depth + 1);
    return;
  }
  if (!isObject(value)) return;
  const pathPermission = typeof value['groupId'] === 'string' && typeof value['permission'] === 'string';
  const evidence = typeof value['direction'] === 'string' && typeof value['protocol'] === 'string' && typeof value['source'] === 'string';
  if (pathPermission || evidence) {
    yield value;
    return;
  }
  for (const [key, inner] of Object.entries(value)) if (key !== 'attachments') yield* ruleMentions(inner, depth + 1);
}

function sameEvidence(p: Permission, mention: Json): boolean {
  const e = permissionEvidence(p);
  return e.direction === mention['direction'] && e.protocol === mention['protocol'] && e.ports === mention['ports'] && e.source === mention['source'];
}

/** The rules a finding blames, as the model has them. */
export function rulesAtFault(finding: AttributableFinding, model: AuditModel): RuleAtFault[] {
  const found = new Map<Permission, RuleAtFault>();
  for (const mention of ruleMentions(finding.evidence)) {
    const groupId = typeof mention['groupId'] === 'string' ? mention['groupId'] : finding.resource.type === 'security-group' ? finding.resource.id : undefined;
    const group = groupId ? model.groupsById.get(groupId) : undefined;
    if (!group) continue;
    const ruleId = typeof mention['ruleId'] === 'string' ? mention['ruleId'] : undefined;
    const all = [...group.ingress, ...group.egress];
    const matches = ruleId
      ? all.filter((p) => p.ruleId === ruleId)
      : typeof mention['permission'] === 'string'
        ? group.ingress.filter((p) => permissionText(p) === mention['permission'])
        : all.filter((p) => sameEvidence(p, mention));
    for (const permission of matches) found.set(permission, { group, permission });
  }
  return [...found.values()];
}

// Interfaces by id, once per model: an audit attributes every finding, and an account has tens of thousands.
const interfaceIndex = new WeakMap<AuditModel, ReadonlyMap<string, AuditModel['interfaces'][number]>>();
function interfaceOf(model: AuditModel, id: string): AuditModel['interfaces'][number] | undefined {
  let index = interfaceIndex.get(model);
  if (!index) interfaceIndex.set(model, (index = new Map(model.interfaces.map((i) => [i.id, i]))));
  return index.get(id);
}

const latest = (hits: readonly Hit[]): Hit[] => (hits.length === 0 ? [] : [hits.reduce((a, b) => (b.event.eventTime > a.event.eventTime ? b : a))]);

/**
 * Who opened what a finding reports: for each rule at fault, the latest event that gave it its
 * content; for an interface, also the latest event that put each of those groups on it. A
 * group finding that blames no rule (an unused group) names the group's creation. Findings about
 * network ACLs and VPCs are not attributed (undefined).
 */
export { interfaceOf };

export function attributeFinding(finding: AttributableFinding, model: AuditModel, index: EventIndex): Attribution | undefined {
  const where = { accountId: finding.resource.accountId, region: finding.resource.region };
  const rules = rulesAtFault(finding, model);
  // Each rule's latest content event; the default egress rule of a group created in the window came with it.
  const hits: Hit[] = rules.flatMap(({ group, permission }) => {
    const set = latest(index.contentEvents(permission, group, where));
    return set.length > 0 ? set : index.createdWith(permission, group, where);
  });
  if (finding.resource.type === 'network-interface') {
    const eni = interfaceOf(model, finding.resource.id);
    for (const groupId of new Set(rules.map((r) => r.group.id))) hits.push(...latest(index.attachmentEvents(finding.resource.id, eni?.instanceId, groupId, where, true)));
  } else if (finding.resource.type === 'security-group' && rules.length === 0) {
    hits.push(...index.groupEvents({ id: finding.resource.id }, where, 'group-created'));
  } else if (rules.length === 0) {
    return undefined;
  }
  return attribution(index, hits, where);
}
