// Options merged over a rule's defaults: objects deep-merge, arrays and scalars replace
// (`ports: [2222]` means only 2222, not 22 plus 2222). Apart from options.ts so that merging
// does not load the schema validator.
const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeOptions<O extends object>(defaults: O, overrides: Partial<O>): O {
  const out: Record<string, unknown> = structuredClone(defaults) as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    const base = out[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? mergeOptions(base, value) : structuredClone(value);
  }
  return out as O;
}
