// CloudTrail records → what each call changed. Pure: a record (a log file's Records[] entry, or
// the CloudTrailEvent string of a LookupEvents result) goes in; who made the call, when, from
// where, and its effects on security groups, rules and attachments come out. Only the calls that
// can change what the internet reaches are read (EXPOSURE_EVENTS); a call that failed (errorCode)
// changed nothing and has no effects.
//
// The shapes, as CloudTrail logs EC2's Query API (lists wrapped in {"items": [...]}, names in
// lowerCamelCase), except ModifySecurityGroupRules, logged with its request's PascalCase names:
//
//   Authorize*   requestParameters.groupId, .ipPermissions.items[] {ipProtocol, fromPort, toPort,
//                ipRanges|ipv6Ranges|prefixListIds|groups .items[]}; responseElements
//                .securityGroupRuleSet.items[] {securityGroupRuleId, groupId, isEgress, cidrIpv4 …}:
//                the rules created, with their sgr- ids (used when present: exact).
//   Revoke*      requestParameters.securityGroupRuleIds.items[] or .ipPermissions; responseElements
//                .revokedSecurityGroupRuleSet (when logged) and .unknownIpPermissionSet (asked to
//                revoke, but not there: no effect).
//   ModifySecurityGroupRules  requestParameters.ModifySecurityGroupRulesRequest {GroupId,
//                SecurityGroupRule: {SecurityGroupRuleId, SecurityGroupRule: {IpProtocol, FromPort,
//                ToPort, CidrIpv4 …}} (one object, or a list of them)}.
//   Create/DeleteSecurityGroup, ModifyNetworkInterfaceAttribute and ModifyInstanceAttribute
//                (groupSet), RunInstances and CreateNetworkInterface (the interfaces created and
//                their groups), TerminateInstances, DeleteNetworkInterface, AssociateAddress.
import { normalize, permissionKey } from '../model/normalize.js';
import type { Direction, Permission } from '../model/types.js';

/** The calls that can change what the internet reaches through security groups: what is looked up and read. */
export const EXPOSURE_EVENTS = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'UpdateSecurityGroupRuleDescriptionsIngress',
  'UpdateSecurityGroupRuleDescriptionsEgress',
  'CreateSecurityGroup',
  'DeleteSecurityGroup',
  'ModifyNetworkInterfaceAttribute',
  'ModifyInstanceAttribute',
  'RunInstances',
  'CreateNetworkInterface',
  'TerminateInstances',
  'DeleteNetworkInterface',
  'AssociateAddress',
] as const;
export type ExposureEventName = (typeof EXPOSURE_EVENTS)[number];

export function isExposureEvent(name: string): name is ExposureEventName {
  return (EXPOSURE_EVENTS as readonly string[]).includes(name);
}

/** Who made a call (userIdentity). */
export interface Actor {
  /** IAMUser, AssumedRole, Root, FederatedUser, AWSService, IdentityCenterUser … */
  readonly type: string;
  /** The principal's ARN: for an assumed role, arn:aws:sts::…:assumed-role/<role>/<session>. */
  readonly arn?: string;
  readonly accountId?: string;
  readonly userName?: string;
  /** Behind an assumed role: the role's ARN (sessionContext.sessionIssuer) and the session name. */
  readonly role?: string;
  readonly session?: string;
  /** sts:SourceIdentity set when the role was assumed: the person behind a shared role. */
  readonly sourceIdentity?: string;
  /** The AWS service that made the call for the principal (CloudFormation, Auto Scaling …). */
  readonly invokedBy?: string;
  readonly accessKeyId?: string;
}

/** One rule's content as a call states it: a permission with one source (model semantics). */
export type RuleContent = Permission;

export type Effect =
  /** A rule created. `ruleId` from the response when logged; `direction` always known. */
  | { readonly kind: 'rule-added'; readonly groupId?: string; readonly groupName?: string; readonly direction: Direction; readonly ruleId?: string; readonly content?: RuleContent }
  | { readonly kind: 'rule-removed'; readonly groupId?: string; readonly groupName?: string; readonly direction?: Direction; readonly ruleId?: string; readonly content?: RuleContent }
  /** ModifySecurityGroupRules: the rule keeps its id and takes this content (its direction is not in the request). */
  | { readonly kind: 'rule-modified'; readonly groupId?: string; readonly ruleId: string; readonly content?: RuleContent }
  | { readonly kind: 'description'; readonly groupId?: string; readonly direction?: Direction; readonly ruleId?: string; readonly content?: RuleContent; readonly description: string }
  | { readonly kind: 'group-created'; readonly groupId: string; readonly groupName?: string; readonly vpcId?: string }
  | { readonly kind: 'group-deleted'; readonly groupId?: string; readonly groupName?: string }
  /** An interface's (or an instance's primary interface's) groups set to exactly these. */
  | { readonly kind: 'groups-set'; readonly interfaceId?: string; readonly instanceId?: string; readonly groupIds: readonly string[]; readonly created: boolean }
  | { readonly kind: 'interface-gone'; readonly interfaceId?: string; readonly instanceId?: string }
  | { readonly kind: 'address'; readonly interfaceId?: string; readonly instanceId?: string; readonly publicIp?: string };

export interface TrailEvent {
  readonly eventId: string;
  readonly eventName: string;
  /** ISO 8601, UTC. */
  readonly eventTime: string;
  /** The account the call acted in (recipientAccountId), when logged. */
  readonly accountId?: string;
  readonly region: string;
  readonly actor: Actor;
  readonly sourceIp?: string;
  readonly userAgent?: string;
  readonly effects: readonly Effect[];
}

type Json = Readonly<Record<string, unknown>>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A field in either spelling (groupId / GroupId): CloudTrail logs most calls lowerCamel, a few PascalCase. */
function field(o: Json, name: string): unknown {
  if (o[name] !== undefined) return o[name];
  const other = name[0] === name[0]?.toUpperCase() ? `${name[0]?.toLowerCase()}${name.slice(1)}` : `${name[0]?.toUpperCase()}${name.slice(1)}`;
  return o[other];
}

function text(o: Json, name: string): string | undefined {
  const v = field(o, name);
  return typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : undefined;
}

function num(o: Json, name: string): number | undefined {
  const v = field(o, name);
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A logged list: {"items": [...]}, a bare list, or one object where the call passed one. */
function items(value: unknown): Json[] {
  if (Array.isArray(value)) return value.filter(isObject);
  if (isObject(value)) {
    const inner = value['items'] ?? value['item'];
    if (inner !== undefined) return items(inner);
    // {} is how CloudTrail logs an empty list.
    return Object.keys(value).length > 0 ? [value] : [];
  }
  return [];
}

const groupIdsOf = (value: unknown): string[] => items(value).map((g) => text(g, 'groupId')).filter((g): g is string => g !== undefined);

// ── Rule content ─────────────────────────────────────────────────────────────────────────────

/**
 * Permissions in DescribeSecurityGroups' shape, read by the model's own normalization so a call's
 * rule is keyed exactly as the groups' are (protocol spellings, -1 ports, CIDR forms). A rule the
 * model would reject (a malformed port) has no content: it is matched by id alone.
 */
function contentsOf(groupId: string, direction: Direction, ipPermissions: readonly Json[]): RuleContent[] {
  if (ipPermissions.length === 0) return [];
  try {
    const model = normalize({
      source: 'file',
      inputs: [],
      warnings: [],
      scopes: [
        {
          accountId: '000000000000',
          region: 'cloudtrail',
          kinds: {
            securityGroups: {
              status: 'ok',
              parts: [{ origin: 'CloudTrail', items: [{ GroupId: groupId, [direction === 'ingress' ? 'IpPermissions' : 'IpPermissionsEgress']: ipPermissions }] }],
            },
          },
        },
      ],
    });
    const group = model.groups[0];
    return group ? [...(direction === 'ingress' ? group.ingress : group.egress)] : [];
  } catch {
    return [];
  }
}

/** A logged IpPermission (lowerCamel, items-wrapped) in the API's PascalCase shape. */
function ipPermissionOf(p: Json): Json {
  const ranges = (key: string, cidrKey: string, outKey: string) =>
    items(field(p, key)).map((r) => ({ [outKey]: text(r, cidrKey), ...(text(r, 'description') ? { Description: text(r, 'description') } : {}) }));
  return {
    IpProtocol: text(p, 'ipProtocol') ?? '-1',
    ...(num(p, 'fromPort') !== undefined ? { FromPort: num(p, 'fromPort') } : {}),
    ...(num(p, 'toPort') !== undefined ? { ToPort: num(p, 'toPort') } : {}),
    IpRanges: ranges('ipRanges', 'cidrIp', 'CidrIp'),
    Ipv6Ranges: ranges('ipv6Ranges', 'cidrIpv6', 'CidrIpv6'),
    PrefixListIds: items(field(p, 'prefixListIds')).map((r) => ({ PrefixListId: text(r, 'prefixListId'), ...(text(r, 'description') ? { Description: text(r, 'description') } : {}) })),
    UserIdGroupPairs: items(field(p, 'groups')).map((g) => ({
      ...(text(g, 'groupId') ? { GroupId: text(g, 'groupId') } : {}),
      ...(text(g, 'groupName') ? { GroupName: text(g, 'groupName') } : {}),
      ...(text(g, 'userId') ? { UserId: text(g, 'userId') } : {}),
      ...(text(g, 'description') ? { Description: text(g, 'description') } : {}),
    })),
  };
}

/**
 * One rule (SecurityGroupRule, or ModifySecurityGroupRules' SecurityGroupRuleRequest) as an
 * IpPermission with its one source.
 */
function ruleAsIpPermission(r: Json): Json {
  const referenced = field(r, 'referencedGroupInfo');
  const referencedId = text(r, 'referencedGroupId') ?? text(r, 'referencedSecurityGroupId') ?? (isObject(referenced) ? text(referenced, 'groupId') : undefined);
  const description = text(r, 'description');
  const withDescription = (o: Json) => (description ? { ...o, Description: description } : o);
  return {
    IpProtocol: text(r, 'ipProtocol') ?? '-1',
    ...(num(r, 'fromPort') !== undefined ? { FromPort: num(r, 'fromPort') } : {}),
    ...(num(r, 'toPort') !== undefined ? { ToPort: num(r, 'toPort') } : {}),
    IpRanges: text(r, 'cidrIpv4') ? [withDescription({ CidrIp: text(r, 'cidrIpv4') })] : [],
    Ipv6Ranges: text(r, 'cidrIpv6') ? [withDescription({ CidrIpv6: text(r, 'cidrIpv6') })] : [],
    PrefixListIds: text(r, 'prefixListId') ? [withDescription({ PrefixListId: text(r, 'prefixListId') })] : [],
    UserIdGroupPairs: referencedId
      ? [withDescription({ GroupId: referencedId, ...(isObject(referenced) && text(referenced, 'userId') ? { UserId: text(referenced, 'userId') } : {}) })]
      : [],
  };
}

/** The request's permissions: ipPermissions, or the old single-rule form (cidrIp, ipProtocol, fromPort, toPort). */
function requestedPermissions(rp: Json): Json[] {
  const listed = items(field(rp, 'ipPermissions')).map(ipPermissionOf);
  if (listed.length > 0) return listed;
  const cidr = text(rp, 'cidrIp');
  if (cidr === undefined) return [];
  return [{ IpProtocol: text(rp, 'ipProtocol') ?? '-1', FromPort: num(rp, 'fromPort'), ToPort: num(rp, 'toPort'), IpRanges: [{ CidrIp: cidr }] }];
}

function directionOf(name: string): Direction {
  return name.endsWith('Egress') ? 'egress' : 'ingress';
}

// ── Effects per call ─────────────────────────────────────────────────────────────────────────

function authorizeEffects(name: string, rp: Json, re: Json): Effect[] {
  const direction = directionOf(name);
  const groupId = text(rp, 'groupId');
  const groupName = text(rp, 'groupName');
  const created = items(field(re, 'securityGroupRuleSet'));
  if (created.length > 0) {
    return created.flatMap((rule): Effect[] => {
      const ruleGroup = text(rule, 'groupId') ?? groupId;
      const ruleDirection: Direction = field(rule, 'isEgress') === true || field(rule, 'isEgress') === 'true' ? 'egress' : direction;
      const content = ruleGroup ? contentsOf(ruleGroup, ruleDirection, [ruleAsIpPermission(rule)])[0] : undefined;
      const ruleId = text(rule, 'securityGroupRuleId');
      return [{ kind: 'rule-added', ...(ruleGroup ? { groupId: ruleGroup } : {}), direction: ruleDirection, ...(ruleId ? { ruleId } : {}), ...(content ? { content } : {}) }];
    });
  }
  const target = groupId ?? groupName ?? '';
  return contentsOf(target, direction, requestedPermissions(rp)).map(
    (content): Effect => ({ kind: 'rule-added', ...(groupId ? { groupId } : { groupName: target }), direction, content }),
  );
}

function revokeEffects(name: string, rp: Json, re: Json): Effect[] {
  const direction = directionOf(name);
  const groupId = text(rp, 'groupId');
  const groupName = text(rp, 'groupName');
  const revoked = items(field(re, 'revokedSecurityGroupRuleSet'));
  if (revoked.length > 0) {
    return revoked.map((rule): Effect => {
      const ruleGroup = text(rule, 'groupId') ?? groupId;
      const ruleDirection: Direction = field(rule, 'isEgress') === true || field(rule, 'isEgress') === 'true' ? 'egress' : direction;
      const content = ruleGroup ? contentsOf(ruleGroup, ruleDirection, [ruleAsIpPermission(rule)])[0] : undefined;
      const ruleId = text(rule, 'securityGroupRuleId');
      return { kind: 'rule-removed', ...(ruleGroup ? { groupId: ruleGroup } : {}), direction: ruleDirection, ...(ruleId ? { ruleId } : {}), ...(content ? { content } : {}) };
    });
  }
  const effects: Effect[] = [];
  for (const entry of items(field(rp, 'securityGroupRuleIds'))) {
    const ruleId = text(entry, 'securityGroupRuleId');
    if (ruleId) effects.push({ kind: 'rule-removed', ...(groupId ? { groupId } : {}), direction, ruleId });
  }
  // A plain list of ids, as some records log it.
  const ids = field(rp, 'securityGroupRuleIds');
  if (Array.isArray(ids)) for (const id of ids) if (typeof id === 'string') effects.push({ kind: 'rule-removed', ...(groupId ? { groupId } : {}), direction, ruleId: id });
  const target = groupId ?? groupName ?? '';
  // Permissions AWS did not find were not revoked: the response lists them as unknown.
  const unknown = new Set(contentsOf(target, direction, items(field(re, 'unknownIpPermissionSet')).map(ipPermissionOf)).map(permissionKey));
  for (const content of contentsOf(target, direction, requestedPermissions(rp))) {
    if (unknown.has(permissionKey(content))) continue;
    effects.push({ kind: 'rule-removed', ...(groupId ? { groupId } : { groupName: target }), direction, content });
  }
  return effects;
}

function modifyRulesEffects(rp: Json): Effect[] {
  const request = isObject(field(rp, 'ModifySecurityGroupRulesRequest')) ? (field(rp, 'ModifySecurityGroupRulesRequest') as Json) : rp;
  const groupId = text(request, 'GroupId');
  return items(field(request, 'SecurityGroupRule') ?? field(request, 'SecurityGroupRules')).flatMap((update): Effect[] => {
    const ruleId = text(update, 'SecurityGroupRuleId');
    if (!ruleId) return [];
    const rule = field(update, 'SecurityGroupRule');
    // The direction is not in the request: the content is read as ingress and matched without it.
    const content = groupId && isObject(rule) ? contentsOf(groupId, 'ingress', [ruleAsIpPermission(rule)])[0] : undefined;
    return [{ kind: 'rule-modified', ...(groupId ? { groupId } : {}), ruleId, ...(content ? { content } : {}) }];
  });
}

function descriptionEffects(name: string, rp: Json): Effect[] {
  const direction = directionOf(name);
  const groupId = text(rp, 'groupId');
  const effects: Effect[] = [];
  const byId = Object.keys(rp).find((k) => /^securityGroupRuleDescription/i.test(k));
  for (const entry of byId ? items(rp[byId]) : []) {
    const ruleId = text(entry, 'securityGroupRuleId');
    if (ruleId) effects.push({ kind: 'description', ...(groupId ? { groupId } : {}), direction, ruleId, description: text(entry, 'description') ?? '' });
  }
  if (groupId) {
    for (const content of contentsOf(groupId, direction, requestedPermissions(rp))) {
      effects.push({ kind: 'description', groupId, direction, content, description: content.description ?? '' });
    }
  }
  return effects;
}

function runInstancesEffects(re: Json): Effect[] {
  return items(field(re, 'instancesSet')).flatMap((instance): Effect[] => {
    const instanceId = text(instance, 'instanceId');
    const interfaces = items(field(instance, 'networkInterfaceSet'));
    if (interfaces.length === 0) return [{ kind: 'groups-set', ...(instanceId ? { instanceId } : {}), groupIds: groupIdsOf(field(instance, 'groupSet')), created: true }];
    return interfaces.map((eni): Effect => {
      const interfaceId = text(eni, 'networkInterfaceId');
      return { kind: 'groups-set', ...(interfaceId ? { interfaceId } : {}), ...(instanceId ? { instanceId } : {}), groupIds: groupIdsOf(field(eni, 'groupSet')), created: true };
    });
  });
}

function effectsOf(name: ExposureEventName, rp: Json, re: Json): Effect[] {
  switch (name) {
    case 'AuthorizeSecurityGroupIngress':
    case 'AuthorizeSecurityGroupEgress':
      return authorizeEffects(name, rp, re);
    case 'RevokeSecurityGroupIngress':
    case 'RevokeSecurityGroupEgress':
      return revokeEffects(name, rp, re);
    case 'ModifySecurityGroupRules':
      return modifyRulesEffects(rp);
    case 'UpdateSecurityGroupRuleDescriptionsIngress':
    case 'UpdateSecurityGroupRuleDescriptionsEgress':
      return descriptionEffects(name, rp);
    case 'CreateSecurityGroup': {
      const groupId = text(re, 'groupId');
      const groupName = text(rp, 'groupName');
      const vpcId = text(rp, 'vpcId');
      return groupId ? [{ kind: 'group-created', groupId, ...(groupName ? { groupName } : {}), ...(vpcId ? { vpcId } : {}) }] : [];
    }
    case 'DeleteSecurityGroup': {
      const groupId = text(rp, 'groupId') ?? text(re, 'groupId');
      const groupName = text(rp, 'groupName');
      return groupId || groupName ? [{ kind: 'group-deleted', ...(groupId ? { groupId } : {}), ...(groupName ? { groupName } : {}) }] : [];
    }
    case 'ModifyNetworkInterfaceAttribute': {
      const interfaceId = text(rp, 'networkInterfaceId');
      const groups = field(rp, 'groupSet');
      return interfaceId && groups !== undefined ? [{ kind: 'groups-set', interfaceId, groupIds: groupIdsOf(groups), created: false }] : [];
    }
    case 'ModifyInstanceAttribute': {
      const instanceId = text(rp, 'instanceId');
      const groups = field(rp, 'groupSet');
      return instanceId && groups !== undefined ? [{ kind: 'groups-set', instanceId, groupIds: groupIdsOf(groups), created: false }] : [];
    }
    case 'RunInstances':
      return runInstancesEffects(re);
    case 'CreateNetworkInterface': {
      const eni = field(re, 'networkInterface');
      const interfaceId = isObject(eni) ? text(eni, 'networkInterfaceId') : undefined;
      return interfaceId && isObject(eni) ? [{ kind: 'groups-set', interfaceId, groupIds: groupIdsOf(field(eni, 'groupSet')), created: true }] : [];
    }
    case 'TerminateInstances': {
      const listed = items(field(re, 'instancesSet'));
      const ids = (listed.length > 0 ? listed : items(field(rp, 'instancesSet'))).map((i) => text(i, 'instanceId')).filter((i): i is string => i !== undefined);
      return ids.map((instanceId) => ({ kind: 'interface-gone', instanceId }));
    }
    case 'DeleteNetworkInterface': {
      const interfaceId = text(rp, 'networkInterfaceId');
      return interfaceId ? [{ kind: 'interface-gone', interfaceId }] : [];
    }
    case 'AssociateAddress': {
      const interfaceId = text(rp, 'networkInterfaceId');
      const instanceId = text(rp, 'instanceId');
      const publicIp = text(rp, 'publicIp');
      return interfaceId || instanceId
        ? [{ kind: 'address', ...(interfaceId ? { interfaceId } : {}), ...(instanceId ? { instanceId } : {}), ...(publicIp ? { publicIp } : {}) }]
        : [];
    }
  }
}

// ── Records ──────────────────────────────────────────────────────────────────────────────────

export function actorOf(identity: unknown): Actor {
  if (!isObject(identity)) return { type: 'Unknown' };
  const type = text(identity, 'type') ?? 'Unknown';
  const accountId = text(identity, 'accountId');
  const session = isObject(identity['sessionContext']) ? identity['sessionContext'] : undefined;
  const issuer = session && isObject(session['sessionIssuer']) ? session['sessionIssuer'] : undefined;
  const arn = text(identity, 'arn') ?? (type === 'Root' && accountId ? `arn:aws:iam::${accountId}:root` : undefined);
  const role = issuer ? text(issuer, 'arn') : undefined;
  const sessionName = type === 'AssumedRole' && arn ? arn.slice(arn.lastIndexOf('/') + 1) : undefined;
  const userName = text(identity, 'userName') ?? (issuer ? text(issuer, 'userName') : undefined);
  const sourceIdentity = session ? text(session, 'sourceIdentity') : undefined;
  const invokedBy = text(identity, 'invokedBy');
  const accessKeyId = text(identity, 'accessKeyId');
  return {
    type,
    ...(arn ? { arn } : {}),
    ...(accountId ? { accountId } : {}),
    ...(userName ? { userName } : {}),
    ...(role ? { role } : {}),
    ...(sessionName ? { session: sessionName } : {}),
    ...(sourceIdentity ? { sourceIdentity } : {}),
    ...(invokedBy ? { invokedBy } : {}),
    ...(accessKeyId ? { accessKeyId } : {}),
  };
}

/** 2026-01-01T09:14:03Z, from an ISO string or epoch seconds (LookupEvents' EventTime over JSON). */
export function isoTime(value: unknown): string | undefined {
  const date = typeof value === 'number' ? new Date(value * 1000) : typeof value === 'string' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date.toISOString().replace(/\.000Z$/, 'Z') : undefined;
}

/**
 * One CloudTrail record, or undefined when it is not a call this reads (another event, a failed
 * call, a record without a time or region). `fallback` fills what LookupEvents gives beside the
 * record (its EventTime, EventId) should the record lack it.
 */
export function readRecord(record: unknown, fallback: { eventTime?: string; eventId?: string } = {}): TrailEvent | undefined {
  if (!isObject(record)) return undefined;
  const eventName = text(record, 'eventName');
  if (!eventName || !isExposureEvent(eventName)) return undefined;
  const source = text(record, 'eventSource');
  if (source !== undefined && source !== 'ec2.amazonaws.com') return undefined;
  // A call that failed changed nothing.
  if (text(record, 'errorCode') !== undefined) return undefined;
  const eventTime = isoTime(record['eventTime']) ?? fallback.eventTime;
  const region = text(record, 'awsRegion');
  if (!eventTime || !region) return undefined;
  const rp = isObject(record['requestParameters']) ? record['requestParameters'] : {};
  const re = isObject(record['responseElements']) ? record['responseElements'] : {};
  const accountId = text(record, 'recipientAccountId');
  const sourceIp = text(record, 'sourceIPAddress');
  const userAgent = text(record, 'userAgent');
  return {
    eventId: text(record, 'eventID') ?? fallback.eventId ?? `${eventName}@${eventTime}`,
    eventName,
    eventTime,
    ...(accountId ? { accountId } : {}),
    region,
    actor: actorOf(record['userIdentity']),
    ...(sourceIp ? { sourceIp } : {}),
    ...(userAgent ? { userAgent } : {}),
    effects: effectsOf(eventName, rp, re),
  };
}

/** The same event read twice (a log file and a lookup, or overlapping files) is kept once, in time order. */
export function uniqueEvents(events: readonly TrailEvent[]): TrailEvent[] {
  const byId = new Map<string, TrailEvent>();
  for (const e of events) if (!byId.has(e.eventId)) byId.set(e.eventId, e);
  return [...byId.values()].sort((a, b) => (a.eventTime < b.eventTime ? -1 : a.eventTime > b.eventTime ? 1 : a.eventId < b.eventId ? -1 : 1));
}
