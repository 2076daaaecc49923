// Who made a change: CloudTrail events matched exactly to rules, groups and attachments. Pure.
//
// A rule is matched by its sgr- id first (the id the Authorize response created, a
// ModifySecurityGroupRules or Revoke names), then by its content in its group and direction
// (protocol, ports, source: the model's own key, so `-1`/`all` and CIDR spellings agree). So an
// AuthorizeSecurityGroupIngress that created several rules is tied to each of them, and a rule
// modified after it was created is attributed to the modification that gave it its current
// content, not to its creation. A group is matched by its id; an attachment by the interface (or
// its instance) and the groups the call set.
import { permissionText } from '../model/exposure.js';
import { permissionKey } from '../model/normalize.js';
import type { Direction, Permission } from '../model/types.js';
import type { Effect, TrailEvent } from './events.js';

/** One event, as a report names it. */
export interface AttributedEvent {
  readonly eventName: string;
  readonly eventTime: string;
  readonly eventId: string;
  readonly accountId?: string;
  readonly region: string;
  /** The principal's ARN (for a service acting on its own, the service). */
  readonly principal: string;
  /** CloudTrail's userIdentity.type: IAMUser, AssumedRole, Root, AWSService … */
  readonly principalType: string;
  /** Behind an assumed role: the role and the session (often the person's name or e-mail). */
  readonly role?: string;
  readonly session?: string;
  readonly sourceIdentity?: string;
  readonly invokedBy?: string;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  /** How it was tied to the change. */
  readonly matchedBy: MatchedBy;
  /** What the call did to it: "added tcp 22 from 0.0.0.0/0 (sgr-0a…)". */
  readonly did: string;
}

export type MatchedBy = 'rule id' | 'rule content' | 'group' | 'interface' | 'instance';

/** Whatever was found for one change or finding: the events, oldest first, or why there are none. */
export interface Attribution {
  readonly events: readonly AttributedEvent[];
  readonly unmatched?: string;
}

export interface Where {
  readonly accountId: string;
  readonly region: string;
}

export interface GroupRef {
  readonly id: string;
  readonly name?: string;
}

interface Hit {
  readonly event: TrailEvent;
  readonly effect: Effect;
  readonly matchedBy: MatchedBy;
}

/** protocol|ports|source of a rule: its content whatever its group and direction. */
export function ruleShape(p: Permission): string {
  return permissionKey(p).split('|').slice(2).join('|');
}

/** The egress rule CreateSecurityGroup adds to every new VPC group (and its IPv6 twin in a dual-stack VPC). */
function isDefaultEgress(p: Permission): boolean {
  return p.direction === 'egress' && p.protocol === 'all' && p.source.kind === 'cidr' && (p.source.cidr.text === '0.0.0.0/0' || p.source.cidr.text === '::/0');
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface IndexOptions {
  /** Only events in this window count (ISO times, inclusive); undefined ends are open. */
  readonly since?: string;
  readonly until?: string;
  /** account/region pairs the data covers ("/region" when the account is not known). */
  readonly covered?: readonly Where[];
}

/** The events of a run, indexed by what they touched. */
export class EventIndex {
  private readonly byRuleId = new Map<string, { event: TrailEvent; effect: Effect }[]>();
  private readonly byGroup = new Map<string, { event: TrailEvent; effect: Effect }[]>();
  private readonly byInterface = new Map<string, { event: TrailEvent; effect: Effect }[]>();
  private readonly byInstance = new Map<string, { event: TrailEvent; effect: Effect }[]>();
  private readonly covered: Set<string>;
  readonly size: number;

  constructor(
    events: readonly TrailEvent[],
    readonly options: IndexOptions = {},
  ) {
    const { since, until } = options;
    const kept = events.filter((e) => (since === undefined || e.eventTime >= since) && (until === undefined || e.eventTime <= until));
    this.size = kept.length;
    for (const event of kept) {
      for (const effect of event.effects) {
        const hit = { event, effect };
        if ('ruleId' in effect && effect.ruleId) push(this.byRuleId, effect.ruleId, hit);
        if ('groupId' in effect && effect.groupId) push(this.byGroup, effect.groupId, hit);
        if ('groupName' in effect && effect.groupName && !('groupId' in effect && effect.groupId)) push(this.byGroup, `name:${effect.groupName}`, hit);
        if ('interfaceId' in effect && effect.interfaceId) push(this.byInterface, effect.interfaceId, hit);
        if ('instanceId' in effect && effect.instanceId) push(this.byInstance, effect.instanceId, hit);
      }
    }
    this.covered = new Set((options.covered ?? kept.map((e) => ({ accountId: e.accountId ?? '', region: e.region }))).map((w) => `${w.accountId}/${w.region}`));
  }

  /** Whether the data holds events (or was looked up) for this account and region. */
  covers(where: Where): boolean {
    return this.covered.has(`${where.accountId}/${where.region}`) || this.covered.has(`/${where.region}`);
  }

  private at(list: readonly { event: TrailEvent; effect: Effect }[] | undefined, where: Where, matchedBy: MatchedBy): Hit[] {
    return (list ?? [])
      .filter(({ event }) => event.region === where.region && (event.accountId === undefined || event.accountId === where.accountId))
      .map((h) => ({ ...h, matchedBy }));
  }

  private ofGroup(group: GroupRef, where: Where): Hit[] {
    return [...this.at(this.byGroup.get(group.id), where, 'rule content'), ...(group.name ? this.at(this.byGroup.get(`name:${group.name}`), where, 'rule content') : [])];
  }

  /** Every event that created, modified, described or removed this rule: by its id, else by its content in its group. */
  ruleHistory(perm: Permission, group: GroupRef, where: Where): Hit[] {
    if (perm.ruleId) {
      const byId = this.at(this.byRuleId.get(perm.ruleId), where, 'rule id');
      if (byId.length > 0) return byId;
    }
    const shape = ruleShape(perm);
    return this.ofGroup(group, where).filter(({ effect }) => {
      if (effect.kind !== 'rule-added' && effect.kind !== 'rule-removed' && effect.kind !== 'rule-modified' && effect.kind !== 'description') return false;
      if ('direction' in effect && effect.direction !== undefined && effect.direction !== perm.direction) return false;
      return effect.content !== undefined && ruleShape(effect.content) === shape;
    });
  }

  /** The events that gave the rule the content it has: created with it, or modified to it (oldest first). */
  contentEvents(perm: Permission, group: GroupRef, where: Where): Hit[] {
    const shape = ruleShape(perm);
    return this.ruleHistory(perm, group, where).filter(
      ({ effect }) => (effect.kind === 'rule-added' || effect.kind === 'rule-modified') && (effect.content === undefined || ruleShape(effect.content) === shape),
    );
  }

  /** The events that revoked the rule (by id, else content), else the group's deletion. */
  removalEvents(perm: Permission, group: GroupRef, where: Where): Hit[] {
    const revoked = this.ruleHistory(perm, group, where).filter(({ effect }) => effect.kind === 'rule-removed');
    return revoked.length > 0 ? revoked : this.groupEvents(group, where, 'group-deleted');
  }

  /** The rule's modifications: those that gave it its current content first, else any by its id. */
  modificationEvents(before: Permission, after: Permission, group: GroupRef, where: Where): Hit[] {
    const history = this.ruleHistory(after, group, where).filter(({ effect }) => effect.kind === 'rule-modified');
    const toNow = history.filter(({ effect }) => effect.kind === 'rule-modified' && (effect.content === undefined || ruleShape(effect.content) === ruleShape(after)));
    const modified = toNow.length > 0 ? toNow : history;
    const described = (before.description ?? '') !== (after.description ?? '') ? this.descriptionEvents(after, group, where) : [];
    return [...modified, ...described.filter((d) => !modified.some((m) => m.event === d.event))];
  }

  /** The calls that set the rule's description: UpdateSecurityGroupRuleDescriptions*, or a modification that carried it. */
  descriptionEvents(perm: Permission, group: GroupRef, where: Where): Hit[] {
    const wanted = perm.description ?? '';
    return this.ruleHistory(perm, group, where).filter(
      ({ effect }) =>
        (effect.kind === 'description' && effect.description === wanted) ||
        (effect.kind === 'rule-modified' && (effect.content?.description ?? '') === wanted) ||
        (effect.kind === 'rule-added' && (effect.content?.description ?? '') === wanted),
    );
  }

  groupEvents(group: GroupRef, where: Where, kind: 'group-created' | 'group-deleted'): Hit[] {
    return this.at(this.byGroup.get(group.id), where, 'group').filter(({ effect }) => effect.kind === kind);
  }

  /** The events that put the group on the interface (or on its instance), or took it off. */
  attachmentEvents(interfaceId: string, instanceId: string | undefined, groupId: string, where: Where, gained: boolean): Hit[] {
    const hits = [
      ...this.at(this.byInterface.get(interfaceId), where, 'interface'),
      ...(instanceId ? this.at(this.byInstance.get(instanceId), where, 'instance') : []),
    ];
    return hits.filter(({ effect }) =>
      effect.kind === 'groups-set' ? effect.groupIds.includes(groupId) === gained : effect.kind === 'interface-gone' ? !gained : false,
    );
  }

  /** Public addresses associated with the interface or its instance. */
  addressEvents(interfaceId: string, instanceId: string | undefined, where: Where): Hit[] {
    return [
      ...this.at(this.byInterface.get(interfaceId), where, 'interface'),
      ...(instanceId ? this.at(this.byInstance.get(instanceId), where, 'instance') : []),
    ].filter(({ effect }) => effect.kind === 'address');
  }

  /** Why a change has no event: outside the data's accounts and regions, or not within its window. */
  unmatchedReason(where: Where): string {
    if (!this.covers(where)) return `the CloudTrail data holds no events for account ${where.accountId} in ${where.region}`;
    const { since, until } = this.options;
    const window = since !== undefined || until !== undefined ? ` (${since ?? '…'} to ${until ?? '…'})` : ' the events cover';
    return `made outside the window${window}, not yet delivered (CloudTrail takes up to about 15 minutes), or by a call CloudTrail does not record`;
  }

  /** The Default egress rule of a group created in the window comes with CreateSecurityGroup. */
  createdWith(perm: Permission, group: GroupRef, where: Where): Hit[] {
    return isDefaultEgress(perm) ? this.groupEvents(group, where, 'group-created') : [];
  }
}

/** A call's rule as AWS names it: a prefix list by its id (a call does not carry its entries). */
function callText(content: Permission, direction?: Direction): string {
  const source = content.source.kind === 'prefix-list' ? { ...content.source, entries: [] } : content.source;
  return permissionText({ ...content, source, ...(direction !== undefined ? { direction } : {}) });
}

function describeEffect(effect: Effect, direction?: Direction): string {
  const rule = (content: Permission | undefined, ruleId: string | undefined) => {
    const shown = content ? callText(content, direction) : undefined;
    return [shown, ruleId ? `(${ruleId})` : undefined].filter(Boolean).join(' ') || 'a rule';
  };
  switch (effect.kind) {
    case 'rule-added':
      return `added ${rule(effect.content, effect.ruleId)}`;
    case 'rule-removed':
      return `revoked ${rule(effect.content, effect.ruleId)}`;
    case 'rule-modified':
      return `modified ${effect.ruleId} to ${effect.content ? callText(effect.content, direction) : 'new content'}`;
    case 'description':
      return `described ${effect.ruleId ?? (effect.content ? callText(effect.content, direction) : 'a rule')} as "${effect.description}"`;
    case 'group-created':
      return `created ${effect.groupId}`;
    case 'group-deleted':
      return `deleted ${effect.groupId ?? effect.groupName ?? 'the group'}`;
    case 'groups-set': {
      const what = [effect.interfaceId, effect.instanceId && effect.interfaceId ? `of ${effect.instanceId}` : effect.instanceId].filter(Boolean).join(' ');
      const groups = effect.groupIds.length > 0 ? effect.groupIds.join(', ') : 'no group';
      return effect.created ? `created ${what} with ${groups}` : `set the groups of ${what} to ${groups}`;
    }
    case 'interface-gone':
      return effect.instanceId ? `terminated ${effect.instanceId}` : `deleted ${effect.interfaceId}`;
    case 'address':
      return `associated ${effect.publicIp ?? 'an address'} with ${effect.interfaceId ?? effect.instanceId}`;
  }
}

function toAttributed(hit: Hit, direction?: Direction): AttributedEvent {
  const { event, effect, matchedBy } = hit;
  const { actor } = event;
  return {
    eventName: event.eventName,
    eventTime: event.eventTime,
    eventId: event.eventId,
    ...(event.accountId ? { accountId: event.accountId } : {}),
    region: event.region,
    principal: actor.arn ?? actor.invokedBy ?? actor.userName ?? actor.type,
    principalType: actor.type,
    ...(actor.role ? { role: actor.role } : {}),
    ...(actor.session ? { session: actor.session } : {}),
    ...(actor.sourceIdentity ? { sourceIdentity: actor.sourceIdentity } : {}),
    ...(actor.invokedBy ? { invokedBy: actor.invokedBy } : {}),
    ...(event.sourceIp ? { sourceIp: event.sourceIp } : {}),
    ...(event.userAgent ? { userAgent: event.userAgent } : {}),
    matchedBy,
    did: describeEffect(effect, direction),
  };
}

/** Hits as a report's attribution: each event once (the first way it matched), oldest first; none says why. */
export function attribution(index: EventIndex, hits: readonly Hit[], where: Where, direction?: Direction): Attribution {
  const seen = new Set<string>();
  const events: AttributedEvent[] = [];
  for (const hit of [...hits].sort((a, b) => (a.event.eventTime < b.event.eventTime ? -1 : a.event.eventTime > b.event.eventTime ? 1 : 0))) {
    const key = `${hit.event.eventId}\n${describeEffect(hit.effect, direction)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    events.push(toAttributed(hit, direction));
  }
  return events.length > 0 ? { events } : { events, unmatched: index.unmatchedReason(where) };
}

export type { Hit };
