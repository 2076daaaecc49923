// Two models → what changed in their security groups: per account × region × group, the rules
// added, removed and changed, the groups created and deleted, and the interfaces that gained or
// lost each group. Pure.
//
// Rules are matched by their sgr- id (DescribeSecurityGroupRules data on both sides): the same id
// with other content was modified in place (ModifySecurityGroupRules), with only another
// description, described. Rules left over are matched by content (group, direction, protocol,
// ports, source): the same content under another id was removed and added again (re-created);
// without ids on a side, the same content is the same rule. What is left is added or removed.
// Only the account × region pairs both sides hold (with their groups collected) are compared; the
// rest is named in `limits`.
import { compareStrings as cmp } from '../compare.js';
import type { DataKind } from '../model/kinds.js';
import { permissionKey } from '../model/normalize.js';
import { scopeKey, type AuditModel, type Direction, type NetworkInterface, type Permission, type SecurityGroup } from '../model/types.js';

export interface RuleDelta {
  readonly change: 'added' | 'removed' | 'modified' | 'recreated' | 'description';
  readonly direction: Direction;
  readonly before?: Permission;
  readonly after?: Permission;
}

export interface AttachmentDelta {
  readonly change: 'gained' | 'lost';
  /** The interface as the side that has the group on it holds it. */
  readonly eni: NetworkInterface;
}

export interface GroupDelta {
  readonly accountId: string;
  readonly region: string;
  readonly change: 'created' | 'deleted' | 'changed';
  readonly before?: SecurityGroup;
  readonly after?: SecurityGroup;
  readonly rules: readonly RuleDelta[];
  readonly attachments: readonly AttachmentDelta[];
}

export interface ModelComparison {
  readonly groups: readonly GroupDelta[];
  /** scopeKeys of the account × region pairs compared. */
  readonly compared: ReadonlySet<string>;
  readonly limits: readonly string[];
}

const ok = (model: AuditModel, key: string, kind: DataKind) =>
  model.scopes.find((s) => scopeKey(s.accountId, s.region) === key)?.kinds.get(kind)?.state === 'ok';

function scopeLabel(key: string): string {
  const [account, region] = key.split('/');
  return `${account} ${region}`;
}

/** One direction of one group, both sides. */
export function compareRules(before: readonly Permission[], after: readonly Permission[], direction: Direction): RuleDelta[] {
  const out: RuleDelta[] = [];
  const leftBefore = new Set(before);
  const leftAfter = new Set(after);
  const afterById = new Map(after.filter((p) => p.ruleId).map((p) => [p.ruleId as string, p]));
  for (const b of before) {
    const a = b.ruleId ? afterById.get(b.ruleId) : undefined;
    if (!a) continue;
    leftBefore.delete(b);
    leftAfter.delete(a);
    if (permissionKey(a) !== permissionKey(b)) out.push({ change: 'modified', direction, before: b, after: a });
    else if ((a.description ?? '') !== (b.description ?? '')) out.push({ change: 'description', direction, before: b, after: a });
  }
  // What the ids did not pair, by content.
  const afterByKey = new Map<string, Permission[]>();
  for (const a of leftAfter) {
    const key = permissionKey(a);
    afterByKey.set(key, [...(afterByKey.get(key) ?? []), a]);
  }
  for (const b of [...leftBefore]) {
    const a = afterByKey.get(permissionKey(b))?.shift();
    if (!a) continue;
    leftBefore.delete(b);
    leftAfter.delete(a);
    if (a.ruleId && b.ruleId && a.ruleId !== b.ruleId) out.push({ change: 'recreated', direction, before: b, after: a });
    else if ((a.description ?? '') !== (b.description ?? '')) out.push({ change: 'description', direction, before: b, after: a });
  }
  for (const b of leftBefore) out.push({ change: 'removed', direction, before: b });
  for (const a of leftAfter) out.push({ change: 'added', direction, after: a });
  return out;
}

/** Interfaces per group, within the compared pairs whose interfaces both sides hold. */
function interfacesByGroup(model: AuditModel, scopes: ReadonlySet<string>): Map<string, Map<string, NetworkInterface>> {
  const map = new Map<string, Map<string, NetworkInterface>>();
  for (const eni of model.interfaces) {
    if (!scopes.has(eni.scope)) continue;
    for (const groupId of eni.groupIds) {
      let enis = map.get(groupId);
      if (!enis) map.set(groupId, (enis = new Map()));
      enis.set(eni.id, eni);
    }
  }
  return map;
}

const ORDER = { created: 0, changed: 1, deleted: 2 } as const;

export function compareModels(before: AuditModel, after: AuditModel): ModelComparison {
  const limits: string[] = [];
  const keysOf = (model: AuditModel) => new Set(model.scopes.map((s) => scopeKey(s.accountId, s.region)));
  const beforeKeys = keysOf(before);
  const afterKeys = keysOf(after);
  const compared = new Set<string>();
  for (const key of [...new Set([...beforeKeys, ...afterKeys])].sort()) {
    if (!beforeKeys.has(key) || !afterKeys.has(key)) {
      limits.push(`${scopeLabel(key)}: only in the ${beforeKeys.has(key) ? 'before' : 'after'} side, not compared`);
      continue;
    }
    if (!ok(before, key, 'securityGroups') || !ok(after, key, 'securityGroups')) {
      limits.push(`${scopeLabel(key)}: the security groups are missing from a side (not collected, or an error), not compared`);
      continue;
    }
    compared.add(key);
    if (!ok(before, key, 'securityGroupRules') || !ok(after, key, 'securityGroupRules')) {
      limits.push(`${scopeLabel(key)}: no sgr- ids on a side (add describe-security-group-rules): rules matched by content, so a rule re-created with a new id is not seen`);
    }
    if (!ok(before, key, 'networkInterfaces') || !ok(after, key, 'networkInterfaces')) {
      limits.push(`${scopeLabel(key)}: the network interfaces are missing from a side (add describe-network-interfaces): attachments not compared`);
    }
  }
  const withInterfaces = new Set([...compared].filter((key) => ok(before, key, 'networkInterfaces') && ok(after, key, 'networkInterfaces')));
  const attachedBefore = interfacesByGroup(before, withInterfaces);
  const attachedAfter = interfacesByGroup(after, withInterfaces);

  const groupsIn = (model: AuditModel) => new Map(model.groups.filter((g) => compared.has(g.scope)).map((g) => [`${g.scope}\n${g.id}`, g]));
  const beforeGroups = groupsIn(before);
  const afterGroups = groupsIn(after);
  const deltas: GroupDelta[] = [];
  for (const key of new Set([...beforeGroups.keys(), ...afterGroups.keys()])) {
    const b = beforeGroups.get(key);
    const a = afterGroups.get(key);
    const group = (a ?? b) as SecurityGroup;
    const rules = [
      ...compareRules(b?.ingress ?? [], a?.ingress ?? [], 'ingress'),
      ...compareRules(b?.egress ?? [], a?.egress ?? [], 'egress'),
    ];
    const was = attachedBefore.get(group.id) ?? new Map<string, NetworkInterface>();
    const now = attachedAfter.get(group.id) ?? new Map<string, NetworkInterface>();
    const attachments: AttachmentDelta[] = [
      ...[...now.values()].filter((eni) => !was.has(eni.id)).map((eni) => ({ change: 'gained' as const, eni })),
      ...[...was.values()].filter((eni) => !now.has(eni.id)).map((eni) => ({ change: 'lost' as const, eni })),
    ].sort((x, y) => cmp(x.eni.id, y.eni.id));
    const change = !b ? 'created' : !a ? 'deleted' : 'changed';
    if (change === 'changed' && rules.length === 0 && attachments.length === 0) continue;
    deltas.push({ accountId: group.accountId, region: group.region, change, ...(b ? { before: b } : {}), ...(a ? { after: a } : {}), rules, attachments });
  }
  deltas.sort(
    (x, y) =>
      cmp(x.accountId, y.accountId) ||
      cmp(x.region, y.region) ||
      ORDER[x.change] - ORDER[y.change] ||
      cmp(((x.after ?? x.before) as SecurityGroup).id, ((y.after ?? y.before) as SecurityGroup).id),
  );
  return { groups: deltas, compared, limits };
}
