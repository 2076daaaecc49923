// Port intervals. Ranges are compared and counted as intervals, never expanded into sets of
// 65,536 numbers per permission.

/** An inclusive range of TCP or UDP ports, 0–65535. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

export function coversPort(range: PortRange, port: number): boolean {
  return range.from <= port && port <= range.to;
}

export function coversRange(range: PortRange, inner: PortRange): boolean {
  return range.from <= inner.from && inner.to <= range.to;
}

/** Sorted union; adjacent ranges (20-21, 22-25) are joined. */
export function mergePortRanges(ranges: readonly PortRange[]): PortRange[] {
  // Lists that are merged already (a rule's allowed ports, subtracted for every group) need no sort.
  if (isMerged(ranges)) return [...ranges];
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: { from: number; to: number }[] = [];
  for (const { from, to } of sorted) {
    const top = merged[merged.length - 1];
    if (top && from <= top.to + 1) top.to = Math.max(top.to, to);
    else merged.push({ from, to });
  }
  return merged;
}

/** Sorted, neither overlapping nor adjacent: as mergePortRanges returns them. */
function isMerged(ranges: readonly PortRange[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const range = ranges[i] as PortRange;
    if (range.from > range.to) return false;
    if (i > 0 && range.from <= (ranges[i - 1] as PortRange).to + 1) return false;
  }
  return true;
}

/** How many distinct ports a set of ranges opens (overlaps counted once). */
export function countPorts(ranges: readonly PortRange[]): number {
  return mergePortRanges(ranges).reduce((sum, r) => sum + (r.to - r.from + 1), 0);
}

/**
 * Splits the port axis at every range boundary, so that within one returned segment every input
 * range either covers all of it or none of it. Exposure is then decided once per segment.
 */
export function elementarySegments(ranges: readonly PortRange[]): PortRange[] {
  const cuts = new Set<number>();
  for (const r of ranges) {
    cuts.add(r.from);
    cuts.add(r.to + 1);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const segments: PortRange[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const from = points[i] as number;
    const to = (points[i + 1] as number) - 1;
    if (ranges.some((r) => r.from <= from && to <= r.to)) segments.push({ from, to });
  }
  return segments;
}

export function formatPortRange(range: PortRange): string {
  if (range.from === 0 && range.to === 65535) return 'all';
  return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

export function formatPortRanges(ranges: readonly PortRange[]): string {
  return mergePortRanges(ranges).map(formatPortRange).join(', ');
}

/** The ports of `ranges` not in `minus`, merged. */
export function subtractPortRanges(ranges: readonly PortRange[], minus: readonly PortRange[]): PortRange[] {
  const cuts = mergePortRanges(minus);
  const rest: PortRange[] = [];
  // Both lists sorted and disjoint: one sweep of the cuts per range keeps what lies between them.
  for (const range of mergePortRanges(ranges)) {
    let from = range.from;
    for (const cut of cuts) {
      if (cut.to < from) continue;
      if (cut.from > range.to) break;
      if (cut.from > from) rest.push({ from, to: cut.from - 1 });
      from = cut.to + 1;
      if (from > range.to) break;
    }
    if (from <= range.to) rest.push({ from, to: range.to });
  }
  return rest;
}
