import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ipaddr from 'ipaddr.js';
import {
  coversAll,
  coversPublicSpace,
  isInternalOnly,
  mergeIntervals,
  parseCidr,
  subtractIntervals,
  touchesPublicSpace,
  type AddressInterval,
  type Cidr,
  type Family,
} from '../../src/model/net.js';

const iv = (first: number | bigint, last: number | bigint): AddressInterval => ({ first: BigInt(first), last: BigInt(last) });

function cidr(text: string): Cidr {
  const parsed = parseCidr(text);
  assert.ok(parsed, `test fixture ${text} must parse`);
  return parsed;
}

const cidrs = (...texts: string[]): Cidr[] => texts.map(cidr);

/**
 * The complement of one CIDR inside the whole address space of its family, as CIDRs: the sibling
 * of every prefix on the path to it. Written independently of net.ts so it can build fixtures.
 */
function complementOf(text: string): string[] {
  const hole = cidr(text);
  const bits = hole.family === 'ipv4' ? 32 : 128;
  const out: string[] = [];
  for (let k = 1; k <= hole.prefix; k++) {
    const bit = 1n << BigInt(bits - k);
    const prefixMask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - k)) - 1n);
    const sibling = (hole.first & prefixMask) ^ bit;
    const bytes: number[] = [];
    for (let i = bits / 8 - 1; i >= 0; i--) bytes.push(Number((sibling >> BigInt(i * 8)) & 0xffn));
    out.push(`${ipaddr.fromByteArray(bytes).toString()}/${k}`);
  }
  return out;
}

const IANA_V4_SPECIAL = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12',
  '192.0.0.0/24', '192.0.2.0/24', '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15',
  '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
];

/** 0.0.0.0/0 minus 10/8, 172.16/12 and 192.168/16, as the usual list of 31 CIDRs. */
const ALL_BUT_RFC1918 = [
  '0.0.0.0/5', '8.0.0.0/7', '11.0.0.0/8', '12.0.0.0/6', '16.0.0.0/4', '32.0.0.0/3', '64.0.0.0/2',
  '128.0.0.0/3', '160.0.0.0/5', '168.0.0.0/6', '172.0.0.0/12', '172.32.0.0/11', '172.64.0.0/10',
  '172.128.0.0/9', '173.0.0.0/8', '174.0.0.0/7', '176.0.0.0/4', '192.0.0.0/9', '192.128.0.0/11',
  '192.160.0.0/13', '192.169.0.0/16', '192.170.0.0/15', '192.172.0.0/14', '192.176.0.0/12',
  '192.192.0.0/10', '193.0.0.0/8', '194.0.0.0/7', '196.0.0.0/6', '200.0.0.0/5', '208.0.0.0/4', '224.0.0.0/3',
];

const V4_MAX = 2n ** 32n - 1n;
const V6_MAX = 2n ** 128n - 1n;

describe('parseCidr', () => {
  const cases: { name: string; input: string; expected: { family: Family; text: string; prefix: number; first?: bigint; last?: bigint } | undefined }[] = [
    { name: 'canonical IPv4 CIDR', input: '10.0.0.0/8', expected: { family: 'ipv4', text: '10.0.0.0/8', prefix: 8, first: 10n << 24n, last: (11n << 24n) - 1n } },
    { name: 'host bits masked off (AWS stores 10.1.2.3/8 as 10.0.0.0/8)', input: '10.1.2.3/8', expected: { family: 'ipv4', text: '10.0.0.0/8', prefix: 8 } },
    { name: 'host bits masked off in the middle of an octet', input: '100.68.0.18/18', expected: { family: 'ipv4', text: '100.68.0.0/18', prefix: 18 } },
    { name: 'IPv6 host bits masked off', input: '2001:db8::1/32', expected: { family: 'ipv6', text: '2001:db8::/32', prefix: 32 } },
    { name: 'IPv6 upper case and leading zeros canonicalized', input: '2001:0DB8:0000::/48', expected: { family: 'ipv6', text: '2001:db8::/48', prefix: 48 } },
    { name: 'bare IPv4 address is a /32', input: '203.0.113.10', expected: { family: 'ipv4', text: '203.0.113.10/32', prefix: 32, first: 0xcb00710an, last: 0xcb00710an } },
    { name: 'bare IPv6 address is a /128', input: '2001:db8::5', expected: { family: 'ipv6', text: '2001:db8::5/128', prefix: 128 } },
    { name: 'IPv4 world', input: '0.0.0.0/0', expected: { family: 'ipv4', text: '0.0.0.0/0', prefix: 0, first: 0n, last: V4_MAX } },
    { name: 'IPv4 world written with host bits', input: '1.2.3.4/0', expected: { family: 'ipv4', text: '0.0.0.0/0', prefix: 0, first: 0n, last: V4_MAX } },
    { name: 'IPv6 world', input: '::/0', expected: { family: 'ipv6', text: '::/0', prefix: 0, first: 0n, last: V6_MAX } },
    { name: 'IPv6 world as 0::/0', input: '0::/0', expected: { family: 'ipv6', text: '::/0', prefix: 0, first: 0n, last: V6_MAX } },
    { name: 'IPv6 world written in full', input: '0:0:0:0:0:0:0:0/0', expected: { family: 'ipv6', text: '::/0', prefix: 0, first: 0n, last: V6_MAX } },
    { name: 'IPv4-mapped IPv6 block is IPv6', input: '::ffff:0:0/96', expected: { family: 'ipv6', text: '::ffff:0:0/96', prefix: 96, first: 0xffffn << 32n, last: (0xffffn << 32n) | 0xffffffffn } },
    { name: 'IPv4 /32 edge', input: '255.255.255.255/32', expected: { family: 'ipv4', text: '255.255.255.255/32', prefix: 32, first: V4_MAX, last: V4_MAX } },
    { name: 'surrounding whitespace is tolerated', input: ' 10.0.0.0/8 ', expected: { family: 'ipv4', text: '10.0.0.0/8', prefix: 8 } },
    // Invalid: AWS rejects all of these, so must we (no classful or inet_aton shorthand).
    { name: 'three-part IPv4 address', input: '10.0.0/8', expected: undefined },
    { name: 'one-part IPv4 shorthand (10/8)', input: '10/8', expected: undefined },
    { name: 'octal-looking IPv4 octet (010.0.0.0/8)', input: '010.0.0.0/8', expected: undefined },
    { name: 'IPv4 prefix too long', input: '10.0.0.0/33', expected: undefined },
    { name: 'IPv6 prefix too long', input: '::/129', expected: undefined },
    { name: 'negative prefix', input: '10.0.0.0/-1', expected: undefined },
    { name: 'missing prefix after slash', input: '10.0.0.0/', expected: undefined },
    { name: 'octet over 255', input: '10.0.0.256/32', expected: undefined },
    { name: 'not an address', input: 'abc', expected: undefined },
    { name: 'a prefix list id', input: 'pl-0123456789abcdef0', expected: undefined },
    { name: 'empty string', input: '', expected: undefined },
    { name: 'two slashes', input: '10.0.0.0/8/8', expected: undefined },
  ];
  for (const { name, input, expected } of cases) {
    test(`${name}: ${JSON.stringify(input)}`, () => {
      const actual = parseCidr(input);
      if (expected === undefined) {
        assert.equal(actual, undefined, `expected no CIDR, got ${actual?.text}`);
        return;
      }
      assert.ok(actual, 'expected a CIDR');
      assert.equal(actual.family, expected.family);
      assert.equal(actual.text, expected.text);
      assert.equal(actual.prefix, expected.prefix);
      if (expected.first !== undefined) assert.equal(actual.first, expected.first);
      if (expected.last !== undefined) assert.equal(actual.last, expected.last);
      assert.ok(actual.first <= actual.last);
    });
  }

  test('canonical text parses back to the same interval', () => {
    for (const text of ['10.1.2.3/8', '2001:db8::1/32', '0:0:0:0:0:0:0:0/0', '::ffff:0:0/96', '198.51.100.7']) {
      const once = cidr(text);
      const twice = cidr(once.text);
      assert.deepEqual(twice, once, text);
    }
  });
});

describe('touchesPublicSpace / isInternalOnly', () => {
  const cases: { name: string; input: string; expected: boolean }[] = [
    ...IANA_V4_SPECIAL.map((block) => ({ name: `IANA special block ${block}`, input: block, expected: false })),
    { name: 'an address inside 10/8', input: '10.20.30.40/32', expected: false },
    { name: 'a subnet of 172.16/12', input: '172.31.0.0/16', expected: false },
    { name: 'CGNAT top address', input: '100.127.255.255/32', expected: false },
    { name: 'limited broadcast', input: '255.255.255.255/32', expected: false },
    { name: 'public /32', input: '8.8.8.8/32', expected: true },
    { name: 'public /24', input: '52.95.110.0/24', expected: true },
    { name: 'just below 10/8', input: '9.255.255.255/32', expected: true },
    { name: 'just above 10/8', input: '11.0.0.0/32', expected: true },
    { name: 'just below 172.16/12', input: '172.15.255.255/32', expected: true },
    { name: 'just above 172.16/12', input: '172.32.0.0/32', expected: true },
    { name: 'just above CGNAT', input: '100.128.0.0/32', expected: true },
    { name: '192.0.1.0/24 between two special /24s', input: '192.0.1.0/24', expected: true },
    { name: '172.0.0.0/11 reaches beyond 172.16/12', input: '172.0.0.0/11', expected: true },
    { name: 'a /7 spanning 10/8 and 11/8', input: '10.0.0.0/7', expected: true },
    { name: 'last public IPv4 before multicast', input: '223.255.255.255/32', expected: true },
    { name: 'IPv4 world', input: '0.0.0.0/0', expected: true },
    { name: 'IPv6 world', input: '::/0', expected: true },
    { name: 'IPv6 global unicast', input: '2000::/3', expected: true },
    { name: 'IPv6 public /64', input: '2600:1f18:abcd:1234::/64', expected: true },
    { name: 'IPv6 documentation', input: '2001:db8::/32', expected: false },
    { name: 'IPv6 documentation /48', input: '2001:db8:1::/48', expected: false },
    { name: 'a /31 holding documentation and a public /32', input: '2001:db8::/31', expected: true },
    { name: 'IPv6 unique local', input: 'fc00::/7', expected: false },
    { name: 'IPv6 link local', input: 'fe80::/10', expected: false },
    { name: 'IPv6 loopback', input: '::1/128', expected: false },
    { name: 'IPv6 multicast', input: 'ff00::/8', expected: false },
    { name: 'IPv4-mapped IPv6 (not global unicast)', input: '::ffff:0:0/96', expected: false },
    { name: 'IPv4-mapped public address', input: '::ffff:8.8.8.8/128', expected: false },
    { name: 'last address of 2000::/3', input: '3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', expected: true },
    { name: 'first address after 2000::/3', input: '4000::/128', expected: false },
  ];
  for (const { name, input, expected } of cases) {
    test(`${name}: ${input} ${expected ? 'touches' : 'does not touch'} public space`, () => {
      const c = cidr(input);
      assert.equal(touchesPublicSpace(c), expected);
      assert.equal(isInternalOnly(c), !expected);
    });
  }
});

describe('coversPublicSpace', () => {
  const cases: { name: string; input: { family: Family; cidrs: string[] }; expected: boolean }[] = [
    { name: '0.0.0.0/0', input: { family: 'ipv4', cidrs: ['0.0.0.0/0'] }, expected: true },
    { name: 'the two /1 halves', input: { family: 'ipv4', cidrs: ['0.0.0.0/1', '128.0.0.0/1'] }, expected: true },
    { name: 'the two /1 halves in reverse order', input: { family: 'ipv4', cidrs: ['128.0.0.0/1', '0.0.0.0/1'] }, expected: true },
    { name: 'the lower half alone', input: { family: 'ipv4', cidrs: ['0.0.0.0/1'] }, expected: false },
    { name: 'the upper half alone', input: { family: 'ipv4', cidrs: ['128.0.0.0/1'] }, expected: false },
    { name: 'quarters, overlapping', input: { family: 'ipv4', cidrs: ['0.0.0.0/2', '64.0.0.0/2', '0.0.0.0/1', '128.0.0.0/2', '192.0.0.0/2'] }, expected: true },
    { name: 'everything but RFC 1918', input: { family: 'ipv4', cidrs: ALL_BUT_RFC1918 }, expected: true },
    {
      name: 'everything but RFC 1918 without 0.0.0.0/5 (public 1.0.0.0/8 missing)',
      input: { family: 'ipv4', cidrs: ALL_BUT_RFC1918.filter((c) => c !== '0.0.0.0/5') },
      expected: false,
    },
    {
      name: 'everything but RFC 1918 without 224.0.0.0/3 (only multicast and reserved missing)',
      input: { family: 'ipv4', cidrs: ALL_BUT_RFC1918.filter((c) => c !== '224.0.0.0/3') },
      expected: true,
    },
    { name: 'everything except 8.8.8.0/24', input: { family: 'ipv4', cidrs: complementOf('8.8.8.0/24') }, expected: false },
    {
      name: 'all special blocks plus everything except one public /24',
      input: { family: 'ipv4', cidrs: [...IANA_V4_SPECIAL, ...complementOf('52.95.110.0/24')] },
      expected: false,
    },
    {
      name: 'everything except one public address',
      input: { family: 'ipv4', cidrs: complementOf('198.51.99.255/32') },
      expected: false,
    },
    { name: 'everything except a special block (10/8)', input: { family: 'ipv4', cidrs: complementOf('10.0.0.0/8') }, expected: true },
    { name: 'everything except a special /24 (203.0.113/24)', input: { family: 'ipv4', cidrs: complementOf('203.0.113.0/24') }, expected: true },
    { name: 'all special blocks only', input: { family: 'ipv4', cidrs: IANA_V4_SPECIAL }, expected: false },
    { name: 'a single public /32', input: { family: 'ipv4', cidrs: ['203.0.113.10/32'] }, expected: false },
    { name: 'private 10/8', input: { family: 'ipv4', cidrs: ['10.0.0.0/8'] }, expected: false },
    { name: 'no IPv4 CIDRs', input: { family: 'ipv4', cidrs: [] }, expected: false },
    { name: '::/0', input: { family: 'ipv6', cidrs: ['::/0'] }, expected: true },
    { name: '2000::/3', input: { family: 'ipv6', cidrs: ['2000::/3'] }, expected: true },
    { name: '2000::/4 + 3000::/4', input: { family: 'ipv6', cidrs: ['2000::/4', '3000::/4'] }, expected: true },
    { name: '2000::/4 alone', input: { family: 'ipv6', cidrs: ['2000::/4'] }, expected: false },
    { name: '3000::/4 alone', input: { family: 'ipv6', cidrs: ['3000::/4'] }, expected: false },
    { name: '::/1 (holds 2000::/3)', input: { family: 'ipv6', cidrs: ['::/1'] }, expected: true },
    {
      name: '2000::/3 except the documentation /32, as CIDRs',
      input: { family: 'ipv6', cidrs: complementOf('2001:db8::/32').filter((c) => !['8000::/1', '4000::/2', '::/3'].includes(c)) },
      expected: true,
    },
    { name: '::/0 except one public /48', input: { family: 'ipv6', cidrs: complementOf('2600:1f18:abcd::/48') }, expected: false },
    { name: 'ULA and link local only', input: { family: 'ipv6', cidrs: ['fc00::/7', 'fe80::/10'] }, expected: false },
    { name: 'no IPv6 CIDRs', input: { family: 'ipv6', cidrs: [] }, expected: false },
  ];
  for (const { name, input, expected } of cases) {
    test(`${input.family}: ${name} → ${expected}`, () => {
      assert.equal(coversPublicSpace(input.family, cidrs(...input.cidrs)), expected);
    });
  }

  test('fixture check: ALL_BUT_RFC1918 plus RFC 1918 is exactly the whole IPv4 space, without overlap', () => {
    const rfc1918 = cidrs('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16');
    const rest = cidrs(...ALL_BUT_RFC1918);
    assert.deepEqual(mergeIntervals([...rest, ...rfc1918]), [iv(0n, V4_MAX)]);
    assert.deepEqual(subtractIntervals(rest, rfc1918), mergeIntervals(rest));
    const size = rest.reduce((sum, c) => sum + (c.last - c.first + 1n), 0n);
    assert.equal(size, 2n ** 32n - 2n ** 24n - 2n ** 20n - 2n ** 16n);
  });

  test('fixture check: complementOf(8.8.8.0/24) leaves exactly that /24 out', () => {
    const rest = cidrs(...complementOf('8.8.8.0/24'));
    assert.equal(rest.length, 24);
    assert.deepEqual(subtractIntervals([iv(0n, V4_MAX)], rest), [cidr('8.8.8.0/24')].map(({ first, last }) => ({ first, last })));
  });
});

describe('mergeIntervals', () => {
  const cases: { name: string; input: AddressInterval[]; expected: AddressInterval[] }[] = [
    { name: 'empty', input: [], expected: [] },
    { name: 'single', input: [iv(5, 9)], expected: [iv(5, 9)] },
    { name: 'adjacent intervals join', input: [iv(0, 4), iv(5, 9)], expected: [iv(0, 9)] },
    { name: 'a gap of one address keeps them apart', input: [iv(0, 4), iv(6, 9)], expected: [iv(0, 4), iv(6, 9)] },
    { name: 'overlapping', input: [iv(0, 6), iv(4, 9)], expected: [iv(0, 9)] },
    { name: 'contained', input: [iv(0, 10), iv(2, 3)], expected: [iv(0, 10)] },
    { name: 'contained listed first', input: [iv(2, 3), iv(0, 10)], expected: [iv(0, 10)] },
    { name: 'duplicates', input: [iv(1, 2), iv(1, 2)], expected: [iv(1, 2)] },
    { name: 'unsorted disjoint', input: [iv(20, 30), iv(0, 5)], expected: [iv(0, 5), iv(20, 30)] },
    { name: 'a chain of three adjacent', input: [iv(10, 19), iv(0, 9), iv(20, 29)], expected: [iv(0, 29)] },
    { name: 'single addresses', input: [iv(7, 7), iv(8, 8), iv(10, 10)], expected: [iv(7, 8), iv(10, 10)] },
    { name: 'full IPv6 range edges', input: [iv(0n, V6_MAX - 1n), iv(V6_MAX, V6_MAX)], expected: [iv(0n, V6_MAX)] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const before = structuredClone(input);
      assert.deepEqual(mergeIntervals(input), expected);
      assert.deepEqual(input, before, 'input must not be mutated');
    });
  }
});

describe('subtractIntervals', () => {
  const cases: { name: string; input: { set: AddressInterval[]; removed: AddressInterval[] }; expected: AddressInterval[] }[] = [
    { name: 'empty set', input: { set: [], removed: [iv(0, 9)] }, expected: [] },
    { name: 'nothing removed', input: { set: [iv(0, 9)], removed: [] }, expected: [iv(0, 9)] },
    { name: 'nothing removed from an unmerged set merges it', input: { set: [iv(5, 9), iv(0, 5)], removed: [] }, expected: [iv(0, 9)] },
    { name: 'cut in the middle', input: { set: [iv(0, 9)], removed: [iv(3, 5)] }, expected: [iv(0, 2), iv(6, 9)] },
    { name: 'cut the whole', input: { set: [iv(0, 9)], removed: [iv(0, 9)] }, expected: [] },
    { name: 'cut larger than the whole', input: { set: [iv(3, 5)], removed: [iv(0, 9)] }, expected: [] },
    { name: 'cut at the left edge', input: { set: [iv(0, 9)], removed: [iv(0, 0)] }, expected: [iv(1, 9)] },
    { name: 'cut at the right edge', input: { set: [iv(0, 9)], removed: [iv(9, 9)] }, expected: [iv(0, 8)] },
    { name: 'cut overlapping the left side', input: { set: [iv(5, 9)], removed: [iv(0, 6)] }, expected: [iv(7, 9)] },
    { name: 'adjacent cut on the left removes nothing', input: { set: [iv(5, 9)], removed: [iv(0, 4)] }, expected: [iv(5, 9)] },
    { name: 'adjacent cut on the right removes nothing', input: { set: [iv(5, 9)], removed: [iv(10, 20)] }, expected: [iv(5, 9)] },
    { name: 'disjoint cut', input: { set: [iv(0, 4)], removed: [iv(100, 200)] }, expected: [iv(0, 4)] },
    { name: 'one cut spanning two pieces', input: { set: [iv(0, 4), iv(10, 14)], removed: [iv(3, 11)] }, expected: [iv(0, 2), iv(12, 14)] },
    { name: 'several cuts, unsorted and overlapping', input: { set: [iv(0, 99)], removed: [iv(50, 59), iv(10, 19), iv(15, 24)] }, expected: [iv(0, 9), iv(25, 49), iv(60, 99)] },
    { name: 'adjacent cuts remove a contiguous block', input: { set: [iv(0, 9)], removed: [iv(2, 3), iv(4, 5)] }, expected: [iv(0, 1), iv(6, 9)] },
    { name: 'single-address leftovers', input: { set: [iv(0, 2)], removed: [iv(1, 1)] }, expected: [iv(0, 0), iv(2, 2)] },
    { name: 'IPv6 top edge', input: { set: [iv(0n, V6_MAX)], removed: [iv(1n, V6_MAX)] }, expected: [iv(0, 0)] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      assert.deepEqual(subtractIntervals(input.set, input.removed), expected);
    });
  }
});

describe('coversAll', () => {
  const cases: { name: string; input: { cover: AddressInterval[]; target: AddressInterval[] }; expected: boolean }[] = [
    { name: 'empty target is covered by anything', input: { cover: [], target: [] }, expected: true },
    { name: 'empty cover covers no address', input: { cover: [], target: [iv(1, 1)] }, expected: false },
    { name: 'adjacent pieces together cover', input: { cover: [iv(0, 4), iv(5, 9)], target: [iv(2, 8)] }, expected: true },
    { name: 'a one-address hole', input: { cover: [iv(0, 4), iv(6, 9)], target: [iv(2, 8)] }, expected: false },
    { name: 'exact', input: { cover: [iv(2, 8)], target: [iv(2, 8)] }, expected: true },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.equal(coversAll(input.cover, input.target), expected));
  }
});
