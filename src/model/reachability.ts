// Effective exposure: which TCP and UDP ports of a network interface the internet can actually
// reach, per address family, and the path that lets it in. Pure: reads the model, never AWS.
//
// A (family, protocol, port) is reachable when all four layers let it through (VPC User Guide,
// "Internet gateways"; EC2-NOTES.md 3.3):
//
// 1. Security groups: the union of the ingress of every group on the interface (a port opened by
//    either group counts, and 0.0.0.0/1 in one group with 128.0.0.0/1 in another is the whole
//    internet). CIDR and resolved prefix-list sources only; group references are not internet.
// 2. The subnet's network ACL: inbound entries of the family, lowest rule number first, first
//    match decides (src/model/first-match.ts, the logic nacl-admin-port-open-to-internet uses).
//    A subnet no ACL in the data lists falls back to the VPC's default ACL (as AWS associates it);
//    with neither, the layer is not evaluated and counts as allowing (fail closed), and the path
//    names no ACL.
// 3. The subnet's route table (its explicit association, else the VPC's main table): the longest
//    matching prefix of some public destination must be an ACTIVE route to an internet gateway
//    (`igw-`) attached to the VPC. Routes to NAT gateways, egress-only gateways (`eigw-`),
//    blackhole routes and gateways not attached to the VPC give no inbound path. IPv4 and IPv6
//    routes are separate (0.0.0.0/0 does not carry IPv6). Prefix-list destinations (gateway
//    endpoints for S3/DynamoDB) are left out: they carve AWS service ranges, not the internet.
//    A subnet with no table in the data (neither its own nor a main one) has no internet route.
// 4. An address: IPv4 needs a public IPv4 on the interface (auto-assigned or Elastic IP); IPv6
//    any IPv6 address, unless the interface sets DenyAllIgwTraffic.
//
// What "reachable from the internet" means. RULES.md defines "open to the internet" as a set of
// sources holding *all* public space of a family, and a bastion with SSH from an office /32 is not
// "open". To stay consistent, layers 1 and 2 must each admit all public IPv4 (or all public IPv6)
// space for the port — equivalently, their intersection holds it. Layer 3 is about the way back,
// not about who is admitted: it only needs an internet-gateway route for public destinations, so
// a narrower route elsewhere (a partner range over VPN, an S3 endpoint) does not hide a port the
// rest of the internet reaches.
//
// Not modelled, on purpose: outbound ACL entries for return traffic (ephemeral ports). An ACL is
// stateless, so a TCP answer needs an outbound allow; but the inbound packets still arrive (enough
// for single-packet UDP attacks and scanning), so the interface is reported as reachable either
// way. Security groups are stateful and need nothing for the answer. ICMP and protocols other than
// TCP and UDP have no ports and are left out. Load balancers, Global Accelerator, CloudFront and API
// Gateway can expose an interface that has no public address: that is another path, not this one.
import { permissionText, portsFor, sourceCidrs, openPortSegments, type PortProtocol } from './exposure.js';
import { decideInOrder, naclAdmissionFromInternet } from './first-match.js';
import { intervalsTouchPublicSpace, type Family } from './net.js';
import { elementarySegments, type PortRange } from './ports.js';
import type { AuditModel, NetworkAcl, NetworkInterface, Permission, Route, RouteTable } from './types.js';

const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];
const PROTOCOLS: readonly PortProtocol[] = ['tcp', 'udp'];

/** A security-group permission on the path: its group, its text ("tcp 22 from 0.0.0.0/0") and `sgr-` id. */
export interface PathPermission {
  readonly groupId: string;
  readonly permission: string;
  readonly ruleId?: string;
}

/** The route that carries the answer back to the internet. */
export interface PathRoute {
  readonly destination: string;
  readonly gatewayId: string;
}

/** Why the internet reaches these ports: one entry per layer. */
export interface ReachPath {
  /** The permissions whose sources, together, admit all public space of the family. */
  readonly permissions: readonly PathPermission[];
  /** The interface's subnet ACL; undefined when the data holds none for it (the layer counts as allowing). */
  readonly aclId?: string;
  /** The inbound allow entries (rule numbers) that decide for the internet. */
  readonly aclEntries: readonly number[];
  readonly routeTableId: string;
  readonly routes: readonly PathRoute[];
  /** Public IPv4 addresses, or IPv6 addresses, of the interface. */
  readonly addresses: readonly string[];
}

export interface Reachable {
  readonly family: Family;
  readonly protocol: PortProtocol;
  /** Sorted, disjoint, non-adjacent. */
  readonly ports: readonly PortRange[];
  readonly via: ReachPath;
}

/** The lookups reachability needs, built once per model. */
interface NetworkIndex {
  readonly tableBySubnet: ReadonlyMap<string, RouteTable>;
  readonly mainTableByVpc: ReadonlyMap<string, RouteTable>;
  readonly aclBySubnet: ReadonlyMap<string, NetworkAcl>;
  readonly defaultAclByVpc: ReadonlyMap<string, NetworkAcl>;
  /** "igw-…/vpc-…" for every attachment. */
  readonly igwAttachments: ReadonlySet<string>;
  /**
   * The union ingress per set of groups, one list per set: interfaces that share their groups
   * (an auto-scaling fleet) share the list, so openPortSegments computes it once (it remembers per list).
   */
  readonly ingressByGroups: Map<string, readonly Permission[]>;
}

const INDEXES = new WeakMap<AuditModel, NetworkIndex>();

function indexOf(model: AuditModel): NetworkIndex {
  let index = INDEXES.get(model);
  if (index) return index;
  const tableBySubnet = new Map<string, RouteTable>();
  const mainTableByVpc = new Map<string, RouteTable>();
  for (const table of model.routeTables) {
    for (const subnetId of table.subnetIds) tableBySubnet.set(subnetId, table);
    if (table.main && table.vpcId) mainTableByVpc.set(table.vpcId, table);
  }
  const aclBySubnet = new Map<string, NetworkAcl>();
  const defaultAclByVpc = new Map<string, NetworkAcl>();
  for (const acl of model.networkAcls) {
    for (const subnetId of acl.subnetIds) aclBySubnet.set(subnetId, acl);
    if (acl.isDefault && acl.vpcId) defaultAclByVpc.set(acl.vpcId, acl);
  }
  const igwAttachments = new Set(model.internetGateways.flatMap((g) => g.vpcIds.map((vpc) => `${g.id}/${vpc}`)));
  index = { tableBySubnet, mainTableByVpc, aclBySubnet, defaultAclByVpc, igwAttachments, ingressByGroups: new Map() };
  INDEXES.set(model, index);
  return index;
}

/** The table that routes a subnet: its explicit association, else its VPC's main table. */
export function routeTableOf(model: AuditModel, subnetId: string, vpcId: string | undefined): RouteTable | undefined {
  const index = indexOf(model);
  return index.tableBySubnet.get(subnetId) ?? (vpcId ? index.mainTableByVpc.get(vpcId) : undefined);
}

/**
 * The active routes to an internet gateway attached to the VPC that are the longest match for
 * some public destination of the family: empty when the family has no way back to the internet.
 */
export function internetRoutes(model: AuditModel, table: RouteTable, family: Family): Route[] {
  const { igwAttachments } = indexOf(model);
  // Longest prefix first; a stable sort keeps the table's order among equal prefixes.
  const byPrefix = table.routes.filter((r) => r.destination !== undefined).sort((a, b) => (b.destination?.prefix ?? 0) - (a.destination?.prefix ?? 0));
  return decideInOrder(byPrefix, (r) => r.destination, family)
    .filter(({ entry, decided }) => entry.state === 'active' && entry.targetType === 'igw' && igwAttachments.has(`${entry.targetId}/${table.vpcId ?? ''}`) && intervalsTouchPublicSpace(family, decided))
    .map(({ entry }) => entry);
}

function addressesOf(eni: NetworkInterface, family: Family): readonly string[] {
  if (family === 'ipv4') return eni.publicIps;
  return eni.denyAllIgwTraffic ? [] : eni.ipv6Addresses;
}

/** Ports where the ACL decides the same way: cut at every port bound of its inbound entries of the protocol. */
function aclPieces(acl: NetworkAcl | undefined, protocol: PortProtocol, ports: PortRange): PortRange[] {
  if (!acl) return [ports];
  const bounds = acl.entries.filter((e) => !e.egress && e.protocol === protocol && e.ports).map((e) => e.ports as PortRange);
  return elementarySegments([ports, ...bounds]).filter((p) => ports.from <= p.from && p.to <= ports.to);
}

function pathPermission(perm: Permission): PathPermission {
  return { groupId: perm.groupId, permission: permissionText(perm), ...(perm.ruleId ? { ruleId: perm.ruleId } : {}) };
}

/** The union of the ingress of the interface's groups (groups missing from the data add nothing). */
function unionIngress(model: AuditModel, eni: NetworkInterface): readonly Permission[] {
  const { ingressByGroups } = indexOf(model);
  // Most interfaces have one group: its id is the key, with no copy to sort.
  const key = eni.groupIds.length === 1 ? (eni.groupIds[0] as string) : [...eni.groupIds].sort().join(' ');
  let ingress = ingressByGroups.get(key);
  if (!ingress) ingressByGroups.set(key, (ingress = eni.groupIds.flatMap((id) => model.groupsById.get(id)?.ingress ?? [])));
  return ingress;
}

// The rule, the exposure inventory and the severity context of every group on the interface ask
// the same question: answered once per interface and model.
const REACHABILITY = new WeakMap<AuditModel, Map<NetworkInterface, readonly Reachable[]>>();

/**
 * What the internet can reach on this interface: per family and protocol, the port ranges and the
 * path through each layer. Empty when any layer closes every port (see the header).
 */
export function interfaceReachability(model: AuditModel, eni: NetworkInterface): readonly Reachable[] {
  let byInterface = REACHABILITY.get(model);
  if (!byInterface) REACHABILITY.set(model, (byInterface = new Map()));
  let reachable = byInterface.get(eni);
  if (!reachable) byInterface.set(eni, (reachable = computeReachability(model, eni)));
  return reachable;
}

/**
 * The outer layer that keeps the internet out of this interface over `family`, whatever the
 * ports: no public address (IPv4) or IPv6 address, or no route to an internet gateway.
 * Undefined when both are there, so only the groups and the ACL decide.
 */
export function closedLayer(model: AuditModel, eni: NetworkInterface, family: Family): 'address' | 'route' | undefined {
  if (addressesOf(eni, family).length === 0) return 'address';
  const table = eni.subnetId ? routeTableOf(model, eni.subnetId, eni.vpcId) : undefined;
  return table && internetRoutes(model, table, family).length > 0 ? undefined : 'route';
}

function computeReachability(model: AuditModel, eni: NetworkInterface): Reachable[] {
  if (!eni.subnetId) return [];
  const table = routeTableOf(model, eni.subnetId, eni.vpcId);
  if (!table) return [];
  const index = indexOf(model);
  const acl = index.aclBySubnet.get(eni.subnetId) ?? (eni.vpcId ? index.defaultAclByVpc.get(eni.vpcId) : undefined);
  const ingress = unionIngress(model, eni);
  const out: Reachable[] = [];
  for (const family of FAMILIES) {
    const addresses = addressesOf(eni, family);
    if (addresses.length === 0) continue;
    const routes = internetRoutes(model, table, family);
    if (routes.length === 0) continue;
    const route = {
      routeTableId: table.id,
      routes: routes.map((r) => ({ destination: r.destination?.text ?? '', gatewayId: r.targetId })),
      addresses,
    };
    for (const protocol of PROTOCOLS) out.push(...reachableFor(ingress, acl, family, protocol, route));
  }
  return out;
}

type RoutePart = Pick<ReachPath, 'routeTableId' | 'routes' | 'addresses'>;

/** One family and protocol: the security groups' open segments, cut and filtered by the ACL, joined by path. */
function reachableFor(ingress: readonly Permission[], acl: NetworkAcl | undefined, family: Family, protocol: PortProtocol, route: RoutePart): Reachable[] {
  const byPath = new Map<string, { via: ReachPath; ports: PortRange[] }>();
  // Elementary segments: every permission of a segment opens all of it, so each piece names exactly its own.
  for (const segment of openPortSegments(ingress, protocol, false)) {
    if (!segment.families.includes(family)) continue;
    const permissions = segment.permissions
      .filter((p) => portsFor(p, protocol) !== undefined && sourceCidrs(p).some((c) => c.family === family))
      .map(pathPermission);
    for (const piece of aclPieces(acl, protocol, segment.ports)) {
      const aclEntries = acl ? naclAdmissionFromInternet(acl, protocol, piece.from, family) : [];
      if (!aclEntries) continue;
      const via: ReachPath = { permissions, ...(acl ? { aclId: acl.id } : {}), aclEntries, ...route };
      const key = JSON.stringify([permissions, aclEntries]);
      const found = byPath.get(key);
      if (found) found.ports.push(piece);
      else byPath.set(key, { via, ports: [piece] });
    }
  }
  return [...byPath.values()].map(({ via, ports }) => ({ family, protocol, ports: joinAdjacent(ports), via }));
}

/** Pieces in port order, adjacent ones joined (they were cut only where another path began). */
function joinAdjacent(ports: readonly PortRange[]): PortRange[] {
  const sorted = [...ports].sort((a, b) => a.from - b.from);
  const out: { from: number; to: number }[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (last && last.to + 1 >= p.from) last.to = Math.max(last.to, p.to);
    else out.push({ ...p });
  }
  return out;
}
