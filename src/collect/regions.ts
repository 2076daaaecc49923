// Which region names are real: the partitions data of the AWS SDK sg-audit is built with (every
// region of aws, aws-cn, aws-us-gov and the isolated partitions, as the SDK's endpoint rules know
// them). It is read as data, never imported: an offline audit that checks a --region must not
// load the SDK (test/cli/startup.test.ts traces module loads). The bundle users run has a copy
// beside it (lib/aws-partitions.json, written by scripts/bundle.mjs); a build from source reads
// the SDK's own file in node_modules.
//
// The SDK learns of a new region only when it is updated, so live, a name it does not know is
// checked against the account's own list (DescribeRegions) before it is refused (live.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { usageError, type SgAuditError } from '../errors.js';
import { closest } from '../suggest.js';

export interface Partition {
  readonly id: string;
  /** The region names of the partition (its pseudo-regions, such as aws-global, left out). */
  readonly regions: readonly string[];
}

// Where @aws-sdk/core keeps the partitions data (the ES module build: one object literal of
// JSON). scripts/bundle.mjs copies it from the same place.
export const PARTITIONS_FILE = 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js';

/** The copy beside the bundle (lib/aws-partitions.json). */
export const BUNDLED_PARTITIONS = new URL('aws-partitions.json', import.meta.url);

/** The path of the SDK's partitions data in node_modules; resolving a path loads nothing. */
export function partitionsDataPath(): string {
  const resolveHere = createRequire(import.meta.url);
  // @aws-sdk/core is a dependency of client-ec2: found from there, wherever npm placed it.
  const ec2 = resolveHere.resolve('@aws-sdk/client-ec2/package.json');
  const core = createRequire(ec2).resolve('@aws-sdk/core/package.json');
  return join(dirname(core), PARTITIONS_FILE);
}

/** The partitions data's text: the bundle's copy, else the SDK's file. */
function partitionsSource(): string {
  try {
    return readFileSync(BUNDLED_PARTITIONS, 'utf8');
  } catch {
    return readFileSync(partitionsDataPath(), 'utf8');
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The partitions in the text of the SDK's partitions.js, or undefined when it is not of the shape expected. */
export function parsePartitions(source: string): Partition[] | undefined {
  const start = source.indexOf('{');
  const end = source.lastIndexOf('}');
  if (start < 0 || end < start) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(source.slice(start, end + 1));
  } catch {
    return undefined;
  }
  if (!isObject(data) || !Array.isArray(data['partitions'])) return undefined;
  const partitions: Partition[] = [];
  for (const p of data['partitions']) {
    if (!isObject(p) || typeof p['id'] !== 'string' || !isObject(p['regions']) || typeof p['regionRegex'] !== 'string') return undefined;
    let pattern: RegExp;
    try {
      pattern = new RegExp(p['regionRegex']);
    } catch {
      return undefined;
    }
    // The regions map also holds pseudo-regions (aws-global, aws-cn-global): only names the
    // partition's own pattern accepts are regions one can audit.
    partitions.push({ id: p['id'], regions: Object.keys(p['regions']).filter((name) => pattern.test(name)).sort() });
  }
  return partitions.length > 0 ? partitions : undefined;
}

let cached: readonly Partition[] | null | undefined;

/** The installed SDK's partitions, read once; undefined when the data cannot be found or read. */
export function sdkPartitions(): readonly Partition[] | undefined {
  if (cached === undefined) {
    try {
      cached = parsePartitions(partitionsSource()) ?? null;
    } catch {
      cached = null;
    }
  }
  return cached ?? undefined;
}

/** The shape of a region name, for when the SDK's data cannot be read (then typos cannot be told). */
export const REGION_SHAPE = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

/** Every region the SDK knows, sorted; empty when its data cannot be read. */
export function sdkRegions(): readonly string[] {
  return (sdkPartitions() ?? []).flatMap((p) => p.regions).sort();
}

/**
 * Whether the SDK knows `name` as a region. Without the SDK's data, any name of a region's
 * shape passes (the shape check is all that is left).
 */
export function isSdkRegion(name: string): boolean {
  const partitions = sdkPartitions();
  return partitions ? partitions.some((p) => p.regions.includes(name)) : REGION_SHAPE.test(name);
}

/** " (did you mean eu-west-1?)" when a known name is a plausible typo of `name`, else "". */
export function didYouMean(name: string, known: readonly string[]): string {
  const guess = closest(name, known);
  return guess ? ` (did you mean ${guess}?)` : '';
}

/** A --region that is not a region: exit 2, with the closest known name. */
export function unknownRegionError(name: string, known: readonly string[], why: string, hint: string): SgAuditError {
  return usageError(`--region ${name}: ${why}${didYouMean(name, known)}`, hint);
}
