// Address arithmetic for security-group sources. Every CIDR becomes an inclusive interval of
// addresses (bigint, so IPv4 and IPv6 share one code path), and "open to the internet" is a
// question about unions of such intervals: never a string comparison, never `includes('/0')`.
import ipaddr from 'ipaddr.js';

export type Family = 'ipv4' | 'ipv6';

/** An inclusive interval of addresses of one family. */
export interface AddressInterval {
  readonly first: bigint;
  readonly last: bigint;
}

export interface Cidr extends AddressInterval {
  readonly family: Family;
  /** Canonical text: network address and prefix, as AWS stores it (10.1.2.3/8 → 10.0.0.0/8). */
  readonly text: string;
  readonly prefix: number;
}

const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}$/;

function bytesToBigint(bytes: readonly number[]): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function bigintToBytes(value: bigint, length: number): number[] {
  const bytes = new Array<number>(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return bytes;
}

/**
 * Parses an IPv4 or IPv6 CIDR ("0.0.0.0/0", "::/0", "2001:db8::/32", "0:0:0:0:0:0:0:0/0").
 * A bare address is taken as a host route (/32 or /128). Host bits are masked off, as AWS does.
 * Returns undefined for anything that is not a CIDR, so callers decide how to fail.
 */
export function parseCidr(text: string): Cidr | undefined {
  // Accounts repeat the same few CIDRs thousands of times; a Cidr is immutable, so parse each once.
  if (PARSED.has(text)) return PARSED.get(text);
  const cidr = parseCidrText(text);
  if (PARSED.size < 100_000) PARSED.set(text, cidr);
  return cidr;
}

const PARSED = new Map<string, Cidr | undefined>();

function parseCidrText(text: string): Cidr | undefined {
  const trimmed = text.trim();
  // ipaddr.js also accepts inet_aton forms ("10.0.0", "0x0a.1", and "010" as octal 8); AWS never
  // writes those, so in a saved file they are a typo or a trick, not an address.
  const addressText = trimmed.split('/')[0] ?? '';
  if (!addressText.includes(':') && !DOTTED_QUAD.test(addressText)) return undefined;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix: number;
  try {
    if (trimmed.includes('/')) {
      [address, prefix] = ipaddr.parseCIDR(trimmed);
    } else {
      address = ipaddr.parse(trimmed);
      prefix = address.kind() === 'ipv4' ? 32 : 128;
    }
  } catch {
    return undefined;
  }
  const family: Family = address.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
  const bits = BITS[family];
  const hostBits = BigInt(bits - prefix);
  const hostMask = (1n << hostBits) - 1n;
  const first = bytesToBigint(address.toByteArray()) & ~hostMask;
  const last = first | hostMask;
  const network = ipaddr.fromByteArray(bigintToBytes(first, bits / 8));
  return Object.freeze({ family, first, last, prefix, text: `${network.toString()}/${prefix}` });
}

/** Sorted, non-overlapping, non-adjacent union of intervals. */
export function mergeIntervals(intervals: readonly AddressInterval[]): AddressInterval[] {
  const sorted = [...intervals].sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const merged: { first: bigint; last: bigint }[] = [];
  for (const { first, last } of sorted) {
    const top = merged[merged.length - 1];
    if (top && first <= top.last + 1n) {
      if (last > top.last) top.last = last;
    } else {
      merged.push({ first, last });
    }
  }
  return merged;
}

/** Every address of a family, as one interval. */
export const WHOLE_FAMILY: Readonly<Record<Family, AddressInterval>> = {
  ipv4: { first: 0n, last: (1n << 32n) - 1n },
  ipv6: { first: 0n, last: (1n << 128n) - 1n },
};

/** The addresses of `set` inside `interval`. */
export function intersectIntervals(set: readonly AddressInterval[], interval: AddressInterval): AddressInterval[] {
  return set
    .map((i) => ({ first: i.first > interval.first ? i.first : interval.first, last: i.last < interval.last ? i.last : interval.last }))
    .filter((i) => i.first <= i.last);
}

/** `set` minus `removed`; both need not be merged. */
export function subtractIntervals(
  set: readonly AddressInterval[],
  removed: readonly AddressInterval[],
): AddressInterval[] {
  let remaining = mergeIntervals(set);
  for (const cut of mergeIntervals(removed)) {
    const next: AddressInterval[] = [];
    for (const piece of remaining) {
      if (cut.last < piece.first || cut.first > piece.last) {
        next.push(piece);
        continue;
      }
      if (cut.first > piece.first) next.push({ first: piece.first, last: cut.first - 1n });
      if (cut.last < piece.last) next.push({ first: cut.last + 1n, last: piece.last });
    }
    remaining = next;
  }
  return remaining;
}

/** True when the union of `cover` contains every address of every interval in `target`. */
export function coversAll(cover: readonly AddressInterval[], target: readonly AddressInterval[]): boolean {
  return subtractIntervals(target, cover).length === 0;
}

function overlapsAny(interval: AddressInterval, set: readonly AddressInterval[]): boolean {
  return set.some((s) => interval.first <= s.last && interval.last >= s.first);
}

function cidrsToIntervals(list: readonly string[]): AddressInterval[] {
  return list.map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`bad built-in CIDR ${text}`);
    return cidr;
  });
}

// IANA special-purpose IPv4 blocks (RFC 6890 and successors): none of these is reachable as a
// source from the public internet, so "the internet" is every IPv4 address outside them.
const IPV4_SPECIAL = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];

/** Public address space per family: IPv4 minus the special blocks; IPv6 global unicast minus documentation. */
export const PUBLIC_SPACE: Readonly<Record<Family, readonly AddressInterval[]>> = {
  ipv4: subtractIntervals(cidrsToIntervals(['0.0.0.0/0']), cidrsToIntervals(IPV4_SPECIAL)),
  ipv6: subtractIntervals(cidrsToIntervals(['2000::/3']), cidrsToIntervals(['2001:db8::/32'])),
};

/** Does this CIDR include at least one public address? */
export function touchesPublicSpace(cidr: Cidr): boolean {
  return overlapsAny(cidr, PUBLIC_SPACE[cidr.family]);
}

/** Every address of the CIDR is private or special-purpose (10/8, fc00::/7, …): unreachable from the internet. */
export function isInternalOnly(cidr: Cidr): boolean {
  return !touchesPublicSpace(cidr);
}

/** Does any of these intervals (of one family) include a public address? */
export function intervalsTouchPublicSpace(family: Family, intervals: readonly AddressInterval[]): boolean {
  return intervals.some((i) => overlapsAny(i, PUBLIC_SPACE[family]));
}

const PUBLIC_BOUNDS: Readonly<Record<Family, { first: bigint; last: bigint; size: bigint }>> = {
  ipv4: boundsOf(PUBLIC_SPACE.ipv4),
  ipv6: boundsOf(PUBLIC_SPACE.ipv6),
};

function boundsOf(space: readonly AddressInterval[]): { first: bigint; last: bigint; size: bigint } {
  return {
    first: space[0]?.first ?? 0n,
    last: space[space.length - 1]?.last ?? 0n,
    size: space.reduce((sum, i) => sum + (i.last - i.first + 1n), 0n),
  };
}

/** Does the union of these CIDRs (of one family) hold all public address space of that family? */
export function coversPublicSpace(family: Family, cidrs: readonly AddressInterval[]): boolean {
  // Fast answers for the common cases (one 0.0.0.0/0; a few small ranges) before interval arithmetic.
  const bounds = PUBLIC_BOUNDS[family];
  if (cidrs.some((c) => c.first <= bounds.first && c.last >= bounds.last)) return true;
  if (cidrs.reduce((sum, c) => sum + (c.last - c.first + 1n), 0n) < bounds.size) return false;
  return coversAll(cidrs, PUBLIC_SPACE[family]);
}

/** Is every address of `inner` inside `outer` (same family)? */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}
