// Parsed JSON from the user (inputs, snapshots, baselines, reports to merge) may nest as deep as
// its author likes: JSON.parse does not mind, but code that walks a value recursively (deep
// equality, JSON.stringify, the renderers) overflows the stack on it. AWS output and sg-audit's
// reports nest about a dozen levels; anything past MAX_JSON_DEPTH is refused when it is read.

export const MAX_JSON_DEPTH = 256;

/**
 * Whether `value` nests arrays and objects deeper than `limit` levels. Iterative (an explicit
 * stack), so it cannot overflow itself; a walk of every container, about a millisecond a megabyte
 * of JSON, a small part of what parsing it costs.
 */
export function nestsDeeperThan(value: unknown, limit: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: object[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const node = stack.pop() as object;
    const depth = depths.pop() as number;
    if (depth > limit) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) {
        stack.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
