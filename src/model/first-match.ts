// Ordered first-match over address space, shared by the two places AWS decides that way: a
// network ACL (lowest rule number first, the first matching entry decides) and a route table
// (most specific route first, the longest matching prefix decides). Each entry decides only the
// addresses no earlier entry has decided, so "90 deny 0.0.0.0/0" before "100 allow 0.0.0.0/0"
// closes everything, and a /8 route carves its addresses out of the 0.0.0.0/0 route.
import { coversPublicSpace, intersectIntervals, intervalsTouchPublicSpace, subtractIntervals, WHOLE_FAMILY, type AddressInterval, type Cidr, type Family } from './net.js';
import type { PortProtocol } from './exposure.js';
import type { NaclEntry, NetworkAcl } from './types.js';

export interface Decision<T> {
  readonly entry: T;
  /** The addresses of the family this entry decides: inside its CIDR, left by every earlier entry. */
  readonly decided: readonly AddressInterval[];
}

/**
 * Walks `entries` in the order given (the caller sorts: rule number, or prefix length) and hands
 * each the addresses of `family` still undecided. Entries of the other family, or without a CIDR,
 * decide nothing. Stops once every address is decided.
 */
export function decideInOrder<T>(entries: readonly T[], cidrOf: (entry: T) => Cidr | undefined, family: Family): Decision<T>[] {
  let undecided: AddressInterval[] = [WHOLE_FAMILY[family]];
  const out: Decision<T>[] = [];
  for (const entry of entries) {
    const cidr = cidrOf(entry);
    if (!cidr || cidr.family !== family) continue;
    const decided = intersectIntervals(undecided, cidr);
    if (decided.length === 0) continue;
    out.push({ entry, decided });
    undecided = subtractIntervals(undecided, [cidr]);
    if (undecided.length === 0) break;
  }
  return out;
}

/** Does the entry apply to this protocol and port? `all` matches everything; ICMP and other protocols no port. */
export function naclEntryMatches(entry: NaclEntry, protocol: PortProtocol, port: number): boolean {
  if (entry.protocol === 'all') return true;
  return entry.protocol === protocol && (entry.ports === undefined || (entry.ports.from <= port && port <= entry.ports.to));
}

/**
 * First match decides (VPC User Guide): the ACL's inbound entries of one family that match the
 * protocol and port, in rule-number order. The port is open from the internet when the addresses
 * the allow entries decide hold all public space of the family (RULES.md's "open to the
 * internet"); the answer is the rule numbers of the allow entries that let some of the internet
 * in (not "50 allow 10.0.0.0/8"), or undefined when it is not open.
 */
export function naclAdmissionFromInternet(acl: NetworkAcl, protocol: PortProtocol, port: number, family: Family): number[] | undefined {
  const inbound = acl.entries.filter((e) => !e.egress && naclEntryMatches(e, protocol, port));
  const allowed: AddressInterval[] = [];
  const deciding: number[] = [];
  for (const { entry, decided } of decideInOrder(inbound, (e) => e.cidr, family)) {
    if (entry.action !== 'allow') continue;
    allowed.push(...decided);
    if (intervalsTouchPublicSpace(family, decided)) deciding.push(entry.ruleNumber);
  }
  return coversPublicSpace(family, allowed) ? deciding : undefined;
}
