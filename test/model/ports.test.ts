import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ALL_PORTS,
  countPorts,
  coversPort,
  coversRange,
  elementarySegments,
  formatPortRange,
  formatPortRanges,
  mergePortRanges,
  subtractPortRanges,
  type PortRange,
} from '../../src/model/ports.js';

const r = (from: number, to: number = from): PortRange => ({ from, to });

describe('mergePortRanges', () => {
  const cases: { name: string; input: PortRange[]; expected: PortRange[] }[] = [
    { name: 'empty', input: [], expected: [] },
    { name: 'single port', input: [r(22)], expected: [r(22)] },
    { name: 'adjacent 20-21 + 22-25 join', input: [r(20, 21), r(22, 25)], expected: [r(20, 25)] },
    { name: 'adjacent, listed in reverse', input: [r(22, 25), r(20, 21)], expected: [r(20, 25)] },
    { name: 'adjacent single ports join', input: [r(80), r(81), r(82)], expected: [r(80, 82)] },
    { name: 'a one-port gap keeps them apart', input: [r(20, 21), r(23, 25)], expected: [r(20, 21), r(23, 25)] },
    { name: 'overlap', input: [r(20, 30), r(25, 40)], expected: [r(20, 40)] },
    { name: 'containment', input: [r(0, 1000), r(22), r(443)], expected: [r(0, 1000)] },
    { name: 'contained range listed first', input: [r(22), r(0, 1000)], expected: [r(0, 1000)] },
    { name: 'same start, different ends', input: [r(10, 20), r(10, 15)], expected: [r(10, 20)] },
    { name: 'duplicates', input: [r(443), r(443)], expected: [r(443)] },
    { name: 'disjoint, sorted on output', input: [r(8080), r(22), r(443)], expected: [r(22), r(443), r(8080)] },
    { name: 'edges 0 and 65535 with the middle', input: [r(0), r(1, 65534), r(65535)], expected: [ALL_PORTS] },
    { name: 'all ports absorbs everything', input: [r(22), ALL_PORTS, r(65535)], expected: [ALL_PORTS] },
    { name: 'a chain that only joins through a later range', input: [r(1, 5), r(10, 12), r(4, 9)], expected: [r(1, 12)] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const before = structuredClone(input);
      assert.deepEqual(mergePortRanges(input), expected);
      assert.deepEqual(input, before, 'input must not be mutated');
    });
  }
});

describe('countPorts', () => {
  const cases: { name: string; input: PortRange[]; expected: number }[] = [
    { name: 'nothing', input: [], expected: 0 },
    { name: 'one port', input: [r(22)], expected: 1 },
    { name: '0-65535 is 65536 ports', input: [ALL_PORTS], expected: 65536 },
    { name: '1-65535 is 65535 ports', input: [r(1, 65535)], expected: 65535 },
    { name: 'overlaps counted once', input: [r(20, 30), r(25, 40)], expected: 21 },
    { name: 'contained counted once', input: [r(0, 1023), r(22), r(80, 90)], expected: 1024 },
    { name: 'duplicates counted once', input: [r(443), r(443), r(443)], expected: 1 },
    { name: 'disjoint ranges add up', input: [r(22), r(80), r(8000, 8009)], expected: 12 },
    { name: 'all ports twice', input: [ALL_PORTS, ALL_PORTS], expected: 65536 },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => assert.equal(countPorts(input), expected));
  }
});

describe('elementarySegments', () => {
  const cases: { name: string; input: PortRange[]; expected: PortRange[] }[] = [
    { name: 'no ranges', input: [], expected: [] },
    { name: 'one range is one segment', input: [r(22)], expected: [r(22)] },
    { name: 'all ports, edges 0 and 65535', input: [ALL_PORTS], expected: [ALL_PORTS] },
    { name: 'port 0 alone', input: [r(0)], expected: [r(0)] },
    { name: 'port 65535 alone', input: [r(65535)], expected: [r(65535)] },
    { name: 'all ports with 0 and 65535 singled out', input: [ALL_PORTS, r(0), r(65535)], expected: [r(0), r(1, 65534), r(65535)] },
    { name: 'nested range splits the outer one in three', input: [r(0, 100), r(10, 20)], expected: [r(0, 9), r(10, 20), r(21, 100)] },
    { name: 'nested at the left boundary', input: [r(10, 20), r(10, 12)], expected: [r(10, 12), r(13, 20)] },
    { name: 'nested at the right boundary', input: [r(10, 20), r(18, 20)], expected: [r(10, 17), r(18, 20)] },
    { name: 'overlap', input: [r(20, 30), r(25, 40)], expected: [r(20, 24), r(25, 30), r(31, 40)] },
    { name: 'adjacent ranges stay separate segments', input: [r(20, 21), r(22, 25)], expected: [r(20, 21), r(22, 25)] },
    { name: 'a gap between disjoint ranges is not a segment', input: [r(0, 5), r(10, 15)], expected: [r(0, 5), r(10, 15)] },
    { name: 'duplicates', input: [r(22), r(22)], expected: [r(22)] },
    { name: 'doubly nested', input: [ALL_PORTS, r(1000, 2000), r(1500)], expected: [r(0, 999), r(1000, 1499), r(1500), r(1501, 2000), r(2001, 65535)] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const segments = elementarySegments(input);
      assert.deepEqual(segments, expected);
      // Every input range covers a segment entirely or not at all.
      for (const seg of segments) {
        for (const range of input) {
          const overlaps = range.from <= seg.to && seg.from <= range.to;
          assert.equal(overlaps, coversRange(range, seg), `range ${range.from}-${range.to} cuts segment ${seg.from}-${seg.to}`);
        }
      }
    });
  }
});

describe('coversPort / coversRange', () => {
  const cases: { name: string; input: { range: PortRange; port?: number; inner?: PortRange }; expected: boolean }[] = [
    { name: 'port inside', input: { range: r(20, 25), port: 22 }, expected: true },
    { name: 'lower bound', input: { range: r(20, 25), port: 20 }, expected: true },
    { name: 'upper bound', input: { range: r(20, 25), port: 25 }, expected: true },
    { name: 'just below', input: { range: r(20, 25), port: 19 }, expected: false },
    { name: 'just above', input: { range: r(20, 25), port: 26 }, expected: false },
    { name: 'port 0 in all', input: { range: ALL_PORTS, port: 0 }, expected: true },
    { name: 'port 65535 in all', input: { range: ALL_PORTS, port: 65535 }, expected: true },
    { name: 'range inside', input: { range: r(0, 100), inner: r(10, 20) }, expected: true },
    { name: 'range equal', input: { range: r(10, 20), inner: r(10, 20) }, expected: true },
    { name: 'range sticking out', input: { range: r(10, 20), inner: r(15, 21) }, expected: false },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const actual = input.port !== undefined ? coversPort(input.range, input.port) : coversRange(input.range, input.inner ?? r(-1));
      assert.equal(actual, expected);
    });
  }
});

describe('formatPortRange(s)', () => {
  const cases: { name: string; input: PortRange[]; expected: string }[] = [
    { name: 'nothing', input: [], expected: '' },
    { name: 'single port', input: [r(22)], expected: '22' },
    { name: 'range', input: [r(20, 25)], expected: '20-25' },
    { name: '0-65535 is all', input: [ALL_PORTS], expected: 'all' },
    { name: '1-65535 is not all', input: [r(1, 65535)], expected: '1-65535' },
    { name: 'port 0', input: [r(0)], expected: '0' },
    { name: 'sorted and comma separated', input: [r(443), r(22), r(8000, 8080)], expected: '22, 443, 8000-8080' },
    { name: 'merged before formatting', input: [r(20, 21), r(22, 25), r(80)], expected: '20-25, 80' },
    { name: 'pieces that add up to all', input: [r(0, 32767), r(32768, 65535)], expected: 'all' },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      assert.equal(formatPortRanges(input), expected);
      if (input.length === 1 && input[0]) assert.equal(formatPortRange(input[0]), expected);
    });
  }
});

describe('subtractPortRanges', () => {
  const cases: { name: string; input: { ranges: PortRange[]; minus: PortRange[] }; expected: PortRange[] }[] = [
    { name: 'nothing minus nothing', input: { ranges: [], minus: [] }, expected: [] },
    { name: 'nothing minus something', input: { ranges: [], minus: [r(22)] }, expected: [] },
    { name: 'minus nothing: merged and sorted', input: { ranges: [r(25, 30), r(20, 24), r(80)], minus: [] }, expected: [r(20, 30), r(80)] },
    { name: 'a hole in the middle', input: { ranges: [r(20, 25)], minus: [r(22)] }, expected: [r(20, 21), r(23, 25)] },
    { name: 'the left edge', input: { ranges: [r(20, 25)], minus: [r(20)] }, expected: [r(21, 25)] },
    { name: 'the right edge', input: { ranges: [r(20, 25)], minus: [r(25)] }, expected: [r(20, 24)] },
    { name: 'exactly the range', input: { ranges: [r(20, 25)], minus: [r(20, 25)] }, expected: [] },
    { name: 'a wider cut', input: { ranges: [r(20, 25)], minus: [r(0, 100)] }, expected: [] },
    { name: 'an overlapping cut on the left', input: { ranges: [r(20, 25)], minus: [r(10, 22)] }, expected: [r(23, 25)] },
    { name: 'an overlapping cut on the right', input: { ranges: [r(20, 25)], minus: [r(23, 30)] }, expected: [r(20, 22)] },
    { name: 'a disjoint cut', input: { ranges: [r(20, 25)], minus: [r(80)] }, expected: [r(20, 25)] },
    { name: 'adjacent cuts on both sides take nothing', input: { ranges: [r(20, 25)], minus: [r(19), r(26)] }, expected: [r(20, 25)] },
    { name: 'two cuts, unsorted', input: { ranges: [ALL_PORTS], minus: [r(443), r(80)] }, expected: [r(0, 79), r(81, 442), r(444, 65535)] },
    { name: 'overlapping cuts', input: { ranges: [r(0, 100)], minus: [r(10, 20), r(15, 30)] }, expected: [r(0, 9), r(31, 100)] },
    { name: 'adjacent cuts join', input: { ranges: [r(0, 100)], minus: [r(10, 20), r(21, 30)] }, expected: [r(0, 9), r(31, 100)] },
    { name: 'one cut across two ranges', input: { ranges: [r(0, 10), r(20, 30)], minus: [r(5, 25)] }, expected: [r(0, 4), r(26, 30)] },
    { name: 'one cut in the gap between two ranges', input: { ranges: [r(0, 10), r(20, 30)], minus: [r(11, 19)] }, expected: [r(0, 10), r(20, 30)] },
    { name: 'tcp 23-79 minus the high-risk 20, 21, 23, 25 and SSH 22', input: { ranges: [r(23, 79)], minus: [r(20), r(21), r(22), r(23), r(25)] }, expected: [r(24), r(26, 79)] },
    { name: 'all ports minus port 0', input: { ranges: [ALL_PORTS], minus: [r(0)] }, expected: [r(1, 65535)] },
    { name: 'all ports minus port 65535', input: { ranges: [ALL_PORTS], minus: [r(65535)] }, expected: [r(0, 65534)] },
    { name: 'all ports minus all ports', input: { ranges: [ALL_PORTS], minus: [ALL_PORTS] }, expected: [] },
    { name: 'overlapping inputs are merged before cutting', input: { ranges: [r(0, 50), r(40, 100)], minus: [r(45)] }, expected: [r(0, 44), r(46, 100)] },
  ];
  for (const { name, input, expected } of cases) {
    test(name, () => {
      const before = structuredClone(input);
      assert.deepEqual(subtractPortRanges(input.ranges, input.minus), expected);
      assert.deepEqual(input, before, 'inputs must not be mutated');
    });
  }

  test('the result never overlaps the cut and, with the cut, covers the input', () => {
    const ranges = [r(0, 1000), r(5000, 6000), r(65000, 65535)];
    const minus = [r(22), r(80, 90), r(999, 5001), r(65535)];
    const rest = subtractPortRanges(ranges, minus);
    for (const part of rest) {
      for (const cut of minus) assert.ok(part.to < cut.from || part.from > cut.to, `${part.from}-${part.to} overlaps ${cut.from}-${cut.to}`);
    }
    assert.equal(countPorts(rest) + countPorts(subtractPortRanges(ranges, rest)), countPorts(ranges));
    assert.deepEqual(rest, [r(0, 21), r(23, 79), r(91, 998), r(5002, 6000), r(65000, 65534)]);
  });
});
