// "Open to the internet", computed exactly (RULES.md, shared definitions): for one protocol and
// port, the union of the CIDR sources that cover it must hold *all* public IPv4 space or *all*
// public IPv6 space. So 0.0.0.0/0, ::/0, 0.0.0.0/1 + 128.0.0.0/1 and "everything but RFC 1918"
// are open; 203.0.113.10/32 and 10.0.0.0/8 are not. Ports are handled as intervals split into
// elementary segments, never expanded into sets.
import { coversAll, coversPublicSpace, isInternalOnly, touchesPublicSpace, type Cidr, type Family } from './net.js';
import { ALL_PORTS, elementarySegments, mergePortRanges, type PortRange } from './ports.js';
import type { Permission, Protocol, Source } from './types.js';

export type PortProtocol = 'tcp' | 'udp';
const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/**
 * Remembers an answer per permission list. The model is immutable and several rules ask the
 * same question of the same group (every port rule first leaves out what
 * all-traffic-open-to-internet reports), so each answer is computed once and shared, read-only;
 * it is forgotten with the list.
 */
function memoByList<R>(compute: (perms: readonly Permission[]) => R): (perms: readonly Permission[]) => R {
  const answers = new WeakMap<readonly Permission[], { readonly value: R }>();
  return (perms) => {
    let answer = answers.get(perms);
    if (!answer) answers.set(perms, (answer = { value: compute(perms) }));
    return answer.value;
  };
}

/**
 * The TCP or UDP ports a permission opens. `all` opens every port of both; tcp/udp their range;
 * ICMP (type/code, not ports) and any other protocol number (GRE, ESP, …) open none.
 */
export function portsFor(perm: Permission, protocol: PortProtocol): PortRange | undefined {
  if (perm.protocol === 'all') return ALL_PORTS;
  if (perm.protocol === protocol) return perm.ports ?? ALL_PORTS;
  return undefined;
}

/**
 * The address ranges a permission's source stands for: its CIDR, or a resolved prefix list's
 * entries. Empty for group references and unresolved prefix lists (neither open nor private:
 * the unresolved-prefix-list rule reports them).
 */
export function sourceCidrs(perm: Permission): readonly Cidr[] {
  if (perm.source.kind === 'cidr') return [perm.source.cidr];
  if (perm.source.kind === 'prefix-list') return perm.source.entries ?? [];
  return [];
}

/** Every source CIDR is private (RFC 1918, ULA, …); false for unresolved prefix lists and group references. */
export function sourceIsInternalOnly(perm: Permission): boolean {
  if (perm.source.kind === 'prefix-list' && perm.source.entries === undefined) return false;
  const cidrs = sourceCidrs(perm);
  return cidrs.length > 0 && cidrs.every(isInternalOnly);
}

/** The identifier of a permission's source as AWS spells it: a CIDR, a `pl-` or an `sg-` id. */
export function sourceId(source: Source): string {
  return source.kind === 'cidr' ? source.cidr.text : source.kind === 'prefix-list' ? source.prefixListId : source.groupId;
}

/** Does the permission's source reach public address space at all (a candidate for internet exposure)? */
function reachesPublicSpace(perm: Permission): boolean {
  return sourceCidrs(perm).some(touchesPublicSpace);
}

function publicFacing(perms: readonly Permission[]): Permission[] {
  return perms.filter(reachesPublicSpace);
}

export interface FamilyExposure {
  readonly family: Family;
  /** The permissions whose sources, together, hold all public space of the family. */
  readonly permissions: readonly Permission[];
}

const coversFamily = (perms: readonly Permission[], family: Family) =>
  coversPublicSpace(family, perms.flatMap((p) => sourceCidrs(p).filter((c) => c.family === family)));

/**
 * For each family in which the union of these permissions' sources holds all public space, the
 * permissions at fault (see atFault): a narrower public source beside them (tcp 22 from the office
 * /32 next to tcp 22 from 0.0.0.0/0) is not blamed, nor revoked.
 */
export function internetExposure(perms: readonly Permission[]): FamilyExposure[] {
  const out: FamilyExposure[] = [];
  for (const family of FAMILIES) {
    const contributing = perms.filter((p) => sourceCidrs(p).some((c) => c.family === family && touchesPublicSpace(c)));
    if (contributing.length === 0 || !coversFamily(contributing, family)) continue;
    out.push({ family, permissions: atFault(contributing, family, (subset) => coversFamily(subset, family)) });
  }
  return out;
}

/** Is `protocol` port `port` open to the internet through these (ingress) permissions? */
export function exposureAtPort(perms: readonly Permission[], protocol: PortProtocol, port: number): FamilyExposure[] {
  return internetExposure(
    perms.filter((p) => {
      const range = portsFor(p, protocol);
      return range !== undefined && range.from <= port && port <= range.to;
    }),
  );
}

export interface OpenSegment {
  readonly protocol: PortProtocol;
  readonly ports: PortRange;
  readonly families: readonly Family[];
  readonly permissions: readonly Permission[];
}

/**
 * Every TCP (or UDP) port range open to the internet through these permissions, as maximal
 * segments with the families and permissions that open them. Adjacent segments opened in the
 * same families are joined, unless `join` is false: then every segment is elementary (each of its
 * permissions opens all of it), for rules that must blame exactly the permissions of some ports.
 */
export function openPortSegments(perms: readonly Permission[], protocol: PortProtocol, join = true): readonly OpenSegment[] {
  return SEGMENTS[protocol][join ? 'joined' : 'elementary'](perms);
}

// openPortSegments, remembered per list for each protocol and layout (see memoByList).
const layoutsOf = (protocol: PortProtocol) => ({
  joined: memoByList((perms) => computeOpenPortSegments(perms, protocol, true)),
  elementary: memoByList((perms) => computeOpenPortSegments(perms, protocol, false)),
});
const SEGMENTS = { tcp: layoutsOf('tcp'), udp: layoutsOf('udp') };

function computeOpenPortSegments(perms: readonly Permission[], protocol: PortProtocol, join: boolean): OpenSegment[] {
  const candidates = publicFacing(perms)
    .map((perm) => ({ perm, range: portsFor(perm, protocol) }))
    .filter((c): c is { perm: Permission; range: PortRange } => c.range !== undefined);
  const segments: OpenSegment[] = [];
  for (const ports of elementarySegments(candidates.map((c) => c.range))) {
    const covering = candidates.filter((c) => c.range.from <= ports.from && ports.to <= c.range.to).map((c) => c.perm);
    const exposure = internetExposure(covering);
    if (exposure.length === 0) continue;
    const families = exposure.map((e) => e.family);
    const permissions = [...new Set(exposure.flatMap((e) => e.permissions))];
    const last = segments[segments.length - 1];
    if (join && last && last.ports.to + 1 === ports.from && sameFamilies(last.families, families)) {
      segments[segments.length - 1] = {
        protocol,
        ports: { from: last.ports.from, to: ports.to },
        families,
        permissions: [...new Set([...last.permissions, ...permissions])],
      };
    } else {
      segments.push({ protocol, ports, families, permissions });
    }
  }
  return segments;
}

function sameFamilies(a: readonly Family[], b: readonly Family[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

/** The union of TCP (or UDP) port ranges these permissions open to any CIDR or prefix-list source. */
export function openedPorts(perms: readonly Permission[], protocol: PortProtocol): PortRange[] {
  return mergePortRanges(
    perms
      .filter((p) => p.source.kind === 'cidr' || p.source.kind === 'prefix-list')
      .map((p) => portsFor(p, protocol))
      .filter((r): r is PortRange => r !== undefined),
  );
}

const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  2: 'IGMP',
  4: 'IP-in-IP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  51: 'AH',
  89: 'OSPF',
  112: 'VRRP',
  132: 'SCTP',
};

export function protocolLabel(protocol: Protocol): string {
  if (typeof protocol === 'number') {
    const name = PROTOCOL_NAMES[protocol];
    return name ? `proto ${protocol} (${name})` : `proto ${protocol}`;
  }
  return protocol;
}

/** What a permission matches besides its source: "22", "20-25", "all", "type 8 code all". */
export function matchLabel(perm: Permission): string {
  if (perm.icmp) {
    const { type, code } = perm.icmp;
    return type === -1 ? 'all types' : `type ${type} code ${code === -1 ? 'all' : code}`;
  }
  if (!perm.ports) return 'all';
  const { from, to } = perm.ports;
  if (from === 0 && to === 65535) return 'all';
  return from === to ? String(from) : `${from}-${to}`;
}

export function sourceLabel(source: Source): string {
  switch (source.kind) {
    case 'cidr':
      return source.cidr.text;
    case 'prefix-list': {
      const name = source.name ? ` (${source.name})` : '';
      const state = source.entries === undefined ? ', entries unknown' : '';
      return `${source.prefixListId}${name}${state}`;
    }
    case 'security-group': {
      if (source.self) return `${source.groupId} (self)`;
      const owner = source.userId ? ` (account ${source.userId})` : '';
      return `${source.groupId}${owner}`;
    }
  }
}

/** Structured, render-ready description of one permission, for finding evidence. */
export interface PermissionEvidence {
  readonly direction: 'ingress' | 'egress';
  readonly protocol: string;
  readonly ports: string;
  readonly source: string;
  readonly description?: string;
  /** The `sgr-` id, when DescribeSecurityGroupRules data was collected. */
  readonly ruleId?: string;
  /** A resolved prefix list's entries. */
  readonly prefixListEntries?: readonly string[];
}

export function permissionEvidence(perm: Permission): PermissionEvidence {
  const entries = perm.source.kind === 'prefix-list' ? perm.source.entries : undefined;
  return {
    direction: perm.direction,
    protocol: protocolLabel(perm.protocol),
    ports: matchLabel(perm),
    source: sourceLabel(perm.source),
    ...(perm.description ? { description: perm.description } : {}),
    ...(perm.ruleId ? { ruleId: perm.ruleId } : {}),
    ...(entries ? { prefixListEntries: entries.map((c) => c.text) } : {}),
  };
}

/** "tcp 22 from 0.0.0.0/0" (ingress), "all traffic to ::/0" (egress: the source field is the destination) */
export function permissionText(perm: Permission): string {
  // A numbered protocol (GRE, ESP) has no ports to show.
  const what =
    perm.protocol === 'all'
      ? 'all traffic'
      : typeof perm.protocol === 'number'
        ? protocolLabel(perm.protocol)
        : `${protocolLabel(perm.protocol)} ${matchLabel(perm)}`;
  return `${what} ${perm.direction === 'egress' ? 'to' : 'from'} ${sourceLabel(perm.source)}`;
}

export interface AllTrafficExposure {
  /** `all`: protocol -1 itself; `tcp`/`udp`: every port 1–65535 of that protocol. */
  readonly scope: 'all' | PortProtocol;
  readonly families: readonly Family[];
  readonly permissions: readonly Permission[];
}

/**
 * What `all-traffic-open-to-internet` reports for a group's ingress: protocol `all` open to the
 * internet, or every TCP or every UDP port 1–65535 open (through any mix of permissions). A
 * TCP/UDP sweep wholly explained by the `all` permissions is not reported a second time.
 */
export function allTrafficExposures(ingress: readonly Permission[]): readonly AllTrafficExposure[] {
  return allTrafficExposuresOf(ingress);
}

const allTrafficExposuresOf = memoByList((ingress): AllTrafficExposure[] => {
  // Most groups admit only private ranges and other groups: nothing of theirs is open to the internet.
  if (!ingress.some(reachesPublicSpace)) return [];
  const out: AllTrafficExposure[] = [];
  const allProtocol = ingress.filter((p) => p.protocol === 'all');
  const viaAll = internetExposure(allProtocol);
  if (viaAll.length > 0) {
    // internetExposure already names only the permissions at fault, per family.
    const permissions = viaAll.flatMap((e) => e.permissions);
    out.push({ scope: 'all', families: viaAll.map((e) => e.family), permissions: [...new Set(permissions)] });
  }
  // Decided per family: a family the `all` permissions already open adds nothing, and a
  // permission counts only for the family of its own sources (tcp 22 from ::/0 is not part of
  // an IPv4 sweep).
  const remaining = FAMILIES.filter((f) => !viaAll.some((e) => e.family === f));
  for (const protocol of ['tcp', 'udp'] as const) {
    const families: Family[] = [];
    const permissions = new Set<Permission>();
    for (const family of remaining) {
      if (!everyPortOpen(openPortSegments(ingress, protocol), family)) continue;
      families.push(family);
      const candidates = ingress.filter(
        (p) => portsFor(p, protocol) !== undefined && sourceCidrs(p).some((c) => c.family === family && touchesPublicSpace(c)),
      );
      // The subsets atFault tries are transient: computed, not remembered.
      const holds = (perms: readonly Permission[]) => everyPortOpen(computeOpenPortSegments(perms, protocol, true), family);
      for (const perm of atFault(candidates, family, holds, protocol)) permissions.add(perm);
    }
    if (families.length > 0) out.push({ scope: protocol, families, permissions: [...permissions] });
  }
  return out;
});

/** Do these segments open every port 1–65535 in this family? */
function everyPortOpen(segments: readonly OpenSegment[], family: Family): boolean {
  return mergePortRanges(segments.filter((s) => s.families.includes(family)).map((s) => s.ports)).some((r) => r.from <= 1 && r.to >= 65535);
}

/**
 * The permissions at fault for an exposure: the ones whose revocation closes it, and no others.
 * Peeled in layers: the permissions not strictly contained in another (by ports and addresses of
 * the family) are at fault; if the rest still holds the exposure, their outermost layer is too,
 * and so on. So tcp 22 from an office /32 beside tcp 22 from 0.0.0.0/0 is not blamed (removing
 * 0.0.0.0/0 closes the port), two copies of 0.0.0.0/0 both are, and 0.0.0.0/0 over 0.0.0.0/1 +
 * 128.0.0.0/1 blames all three. A narrower permission inside a wider one (tcp 3389 within tcp
 * 0-65535) is left to the rules about its own ports.
 */
function atFault(
  perms: readonly Permission[],
  family: Family,
  holds: (subset: readonly Permission[]) => boolean,
  protocol?: PortProtocol,
): Permission[] {
  const addresses = new Map(perms.map((p) => [p, sourceCidrs(p).filter((c) => c.family === family)]));
  const ports = (p: Permission) => (protocol ? (portsFor(p, protocol) ?? { from: 0, to: -1 }) : ALL_PORTS);
  const contains = (outer: Permission, inner: Permission) => {
    const o = ports(outer);
    const i = ports(inner);
    return o.from <= i.from && i.to <= o.to && coversAll(addresses.get(outer) ?? [], addresses.get(inner) ?? []);
  };
  const blamed: Permission[] = [];
  let rest = [...perms];
  while (rest.length > 0 && holds(rest)) {
    const layer = rest.filter((p) => !rest.some((q) => q !== p && contains(q, p) && !contains(p, q)));
    blamed.push(...layer);
    rest = rest.filter((p) => !layer.includes(p));
  }
  return blamed;
}

/**
 * The ingress a port rule should look at. While `all-traffic-open-to-internet` is enabled, the
 * permissions it reports are left out, so one root cause makes one row (RULES.md).
 */
export function ingressForPortRules(ingress: readonly Permission[], allTrafficEnabled: boolean): readonly Permission[] {
  return allTrafficEnabled ? ingressLeftToPortRules(ingress) : ingress;
}

// Remembered, so the port rules of one group share one list (and the segments computed from it).
const ingressLeftToPortRules = memoByList((ingress) => {
  const reported = new Set(allTrafficExposures(ingress).flatMap((e) => e.permissions));
  return reported.size === 0 ? ingress : ingress.filter((p) => !reported.has(p));
});

export function familiesText(families: readonly Family[]): string {
  return families.map((f) => (f === 'ipv4' ? 'IPv4' : 'IPv6')).join(' and ');
}
