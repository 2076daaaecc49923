// Severity in context: a security group open to the internet is a smaller risk when nothing the
// internet can reach uses it. The group-level exposure rules (ssh-, rdp-, all-traffic-, high-risk-
// and unauthorized-port-open-to-internet) report such a finding one level lower, with the reason:
//
// - the group is attached to no network interface, or
// - on every interface that has it, the ports the finding is about are not reachable from the
//   internet through this group (src/model/reachability.ts): no public address of the family, no
//   route to an internet gateway, or a network ACL that denies them.
//
// Fail closed: when the data cannot tell (interfaces, route tables or internet gateways not
// collected in the group's account and region), nothing is lowered. A missing network ACL counts
// as allowing, as in reachability. Interfaces in accounts the audit does not cover (a shared VPC's
// participants) are invisible, as they are to unused-sg. Pure.
import type { DataKind } from './kinds.js';
import type { Family } from './net.js';
import { closedLayer, interfaceReachability } from './reachability.js';
import { openPortSegments, type PortProtocol } from './exposure.js';
import type { AuditModel, NetworkInterface, Scope, SecurityGroup } from './types.js';

/** What the context needs besides the groups; collected whenever a rule that uses it runs. */
export const EXPOSURE_CONTEXT_KINDS: readonly DataKind[] = ['networkInterfaces', 'networkAcls', 'routeTables', 'internetGateways'];

/** A TCP or UDP port range a finding is about. */
export interface ContextPorts {
  readonly protocol: PortProtocol;
  readonly from: number;
  readonly to: number;
}

const known = (scope: Scope, kinds: readonly DataKind[]) => kinds.every((kind) => scope.kinds.get(kind)?.state === 'ok');

const overlaps = (a: { from: number; to: number }, b: { from: number; to: number }) => a.from <= b.to && b.from <= a.to;

/**
 * Why the internet cannot reach this group's exposure on `ports` ("attached to no network
 * interface", "none of its 3 network interfaces is reachable …"), or undefined when some interface
 * is reachable through it, or the data cannot tell. `scope` is the account × region the group was
 * collected in: what was collected there decides whether the data can tell.
 */
export function unreachableBecause(model: AuditModel, scope: Scope, group: SecurityGroup, ports: readonly ContextPorts[]): string | undefined {
  if (ports.length === 0 || !known(scope, ['networkInterfaces'])) return undefined;
  const interfaces = model.interfacesByGroup.get(group.id) ?? [];
  if (interfaces.length === 0) return 'the group is attached to no network interface';
  if (!known(scope, ['routeTables', 'internetGateways'])) return undefined;
  const throughGroup = (eni: NetworkInterface) =>
    interfaceReachability(model, eni).some(
      (r) =>
        r.via.permissions.some((p) => p.groupId === group.id) &&
        ports.some((p) => p.protocol === r.protocol && r.ports.some((range) => overlaps(range, p))),
    );
  if (interfaces.some(throughGroup)) return undefined;

  const families = familiesOpened(group, ports);
  const [only] = interfaces;
  if (only && interfaces.length === 1) {
    return `its one network interface (${only.id}) is not reachable from the internet on these ports: it ${whyClosed(model, only, families, 'one')}`;
  }
  const counts = new Map<string, number>();
  for (const eni of interfaces) {
    const label = whyClosed(model, eni, families, 'many');
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  // Most common first, so the same causes read the same way whatever the interfaces' order.
  const why = [...counts]
    .sort(([a, m], [b, n]) => n - m || (a < b ? -1 : a > b ? 1 : 0))
    .map(([label, count]) => `${count} ${label}`)
    .join(', ');
  return `none of its ${interfaces.length} network interfaces is reachable from the internet on these ports (${why})`;
}

/** The families over which the group opens these ports to the internet. */
function familiesOpened(group: SecurityGroup, ports: readonly ContextPorts[]): Family[] {
  const found = new Set<Family>();
  for (const protocol of ['tcp', 'udp'] as const) {
    const mine = ports.filter((p) => p.protocol === protocol);
    if (mine.length === 0) continue;
    for (const segment of openPortSegments(group.ingress, protocol)) {
      if (mine.some((p) => overlaps(segment.ports, p))) for (const family of segment.families) found.add(family);
    }
  }
  return (['ipv4', 'ipv6'] as const).filter((f) => found.has(f));
}

type Layer = 'address' | 'route' | 'acl';
type FamilyText = Readonly<Record<Family | 'any', string>>;

/** Each closed layer in words: after "it" for one interface, after a count for several. */
const LAYER_TEXT: Readonly<Record<'one' | 'many', Readonly<Record<Layer, FamilyText>>>> = {
  one: {
    address: { ipv4: 'has no public IPv4 address', ipv6: 'has no IPv6 address', any: 'has no public address' },
    route: { ipv4: 'has no IPv4 route to an internet gateway', ipv6: 'has no IPv6 route to an internet gateway', any: 'has no route to an internet gateway' },
    acl: { ipv4: 'is behind a network ACL that denies them over IPv4', ipv6: 'is behind a network ACL that denies them over IPv6', any: 'is behind a network ACL that denies them' },
  },
  many: {
    address: { ipv4: 'without a public IPv4 address', ipv6: 'without an IPv6 address', any: 'without a public address' },
    route: { ipv4: 'without an IPv4 route to an internet gateway', ipv6: 'without an IPv6 route to an internet gateway', any: 'without a route to an internet gateway' },
    acl: { ipv4: 'behind a network ACL that denies them over IPv4', ipv6: 'behind a network ACL that denies them over IPv6', any: 'behind a network ACL that denies them' },
  },
};

/**
 * The layer that keeps each family out, in words. The family is named only where it tells
 * something: a missing address of the one family opened, or layers that differ by family.
 */
function whyClosed(model: AuditModel, eni: NetworkInterface, families: readonly Family[], form: 'one' | 'many'): string {
  const text = LAYER_TEXT[form];
  const layers = families.map((family) => ({ family, layer: closedLayer(model, eni, family) ?? ('acl' as const) }));
  const first = layers[0];
  if (!first) return text.acl.any;
  if (layers.length === 1 && first.layer === 'address') return text.address[first.family];
  if (layers.every((l) => l.layer === first.layer)) return text[first.layer].any;
  return layers.map((l) => text[l.layer][l.family]).join(' and ');
}
