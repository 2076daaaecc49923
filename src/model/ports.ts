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
  const sorted = [...ranges].sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: { from: number; to: number }[] = [];
  for (const { from, to } of sorted) {
    const top = merged[merged.length - 1];
    if (top && from <= top.to + 1) top.to = Math.max(top.to, to);
    else merged.push({ from, to });
  }
  return merged;
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
  let rest = mergePortRanges(ranges);
  for (const cut of mergePortRanges(minus)) {
    rest = rest.flatMap((r) => {
      if (cut.to < r.from || cut.from > r.to) return [r];
      const parts: PortRange[] = [];
      if (r.from < cut.from) parts.push({ from: r.from, to: cut.from - 1 });
      if (cut.to < r.to) parts.push({ from: cut.to + 1, to: r.to });
      return parts;
    });
  }
  return rest;
}
