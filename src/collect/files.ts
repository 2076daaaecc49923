// Offline collection: saved `aws ec2 describe-*` JSON (one file per call, detected by its
// top-level key) and sg-audit's own snapshots. The files given are the audit's scope. Each file
// is placed in an account × region: from ARNs and availability zones in its items, else from
// the other files of its directory (or a directory named like a region), else --region.
//
// Nothing given is dropped unseen: symbolic links are followed (a loop is read once), a folder or
// file that cannot be read is an input error naming it, UTF-16 is decoded, and a resource saved
// twice is merged when the copies agree and refused when they differ.
import { isDeepStrictEqual } from 'node:util';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { decodeText, RESAVE_HINT, UndecodableText } from '../decode-text.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.js';
import { inputError } from '../errors.js';
import { DATA_KIND_INFO, kindForResultKey, type DataKind } from '../model/kinds.js';
import type { RawKindResult, RawPart, RawScope, RawSnapshot } from './types.js';
import { parseSnapshot, SNAPSHOT_MARKER } from './snapshot.js';
import { pushTo } from '../model/multimap.js';
import { didYouMean, isSdkRegion, sdkRegions } from './regions.js';

// Output of other describe-* calls that a later rule may use: recognized, not an error.
const RECOGNIZED_UNUSED_KEYS = new Set(['NatGateways', 'Regions', 'Addresses', 'VpcPeeringConnections']);

const PREFIX_LIST_ID = /\bpl-[0-9a-f]{8,17}\b/;

const REGION_NAME = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ACCOUNT_ID = /^\d{12}$/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (o: Json, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

/** us-east-1a → us-east-1; us-west-2-lax-1a → us-west-2; us-east-1-wl1-bos-wlz-1 → us-east-1. */
export function regionOfZone(zone: string): string | undefined {
  return /^([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(zone)?.[1];
}

/** arn:aws:ec2:eu-west-1:123456789012:security-group/sg-… → region and account. */
function fromArn(arn: string | undefined): { region?: string; account?: string } {
  const parts = arn?.split(':');
  if (!parts || parts.length < 6 || parts[0] !== 'arn') return {};
  return { ...(parts[3] ? { region: parts[3] } : {}), ...(parts[4] ? { account: parts[4] } : {}) };
}

interface Placement {
  region?: string;
  account?: string;
}

/** What an item itself says about where it lives: ARNs, availability zones, owning account. */
function placementOf(kind: DataKind, item: unknown): Placement {
  if (!isObject(item)) return {};
  let region: string | undefined;
  let account: string | undefined;
  // Called for every item of every file (60k and more): plain values, no intermediate objects.
  const note = (r: string | undefined, a: string | undefined) => {
    region ??= r;
    if (a && ACCOUNT_ID.test(a)) account ??= a;
  };
  for (const key of Object.keys(item)) {
    const value = item[key];
    if (key.endsWith('Arn') && typeof value === 'string') {
      const arn = fromArn(value);
      note(arn.region, arn.account);
    }
  }
  const zone = str(item, 'AvailabilityZone');
  if (zone) note(regionOfZone(zone), undefined);
  if (kind === 'instances') {
    for (const inst of Array.isArray(item['Instances']) ? item['Instances'] : []) {
      const z = isObject(inst) && isObject(inst['Placement']) ? str(inst['Placement'], 'AvailabilityZone') : undefined;
      const r = z && regionOfZone(z);
      if (r) note(r, undefined);
    }
  }
  // A prefix list's OwnerId may be "AWS"; only a 12-digit owner names the account.
  note(undefined, str(item, 'OwnerId'));
  note(undefined, str(item, 'GroupOwnerId'));
  return { ...(region ? { region } : {}), ...(account ? { account } : {}) };
}

interface LoadedFile {
  readonly path: string;
  readonly dir: string;
  readonly kind: DataKind;
  readonly items: readonly unknown[];
  readonly placements: readonly Placement[];
}

/** The single value all defined entries agree on, if any. */
function consensus(values: Iterable<string | undefined>): string | undefined {
  const set = new Set([...values].filter((v): v is string => v !== undefined));
  return set.size === 1 ? [...set][0] : undefined;
}

function pathHint(path: string, pattern: RegExp): string | undefined {
  return path.split(sep).reverse().find((part) => pattern.test(part));
}

const why = (error: unknown): string => {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file or directory'
    : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'ELOOP' ? 'a loop of symbolic links'
    : (code ?? (error as Error).message);
};

/** What a walk of the inputs has seen: real directories (a link back up is not walked again) and real files (read once). */
interface Walk {
  readonly dirs: Set<string>;
  readonly files: Set<string>;
}

/**
 * The .json files under `path`, in name order, following symbolic links. Hidden entries are
 * skipped, and so are other files of a directory (a README beside the JSON); a link named .json
 * whose target is missing, and any folder or file that cannot be read, are input errors.
 */
async function listJsonFiles(path: string, explicit: boolean, walk: Walk): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw inputError(`cannot read ${path}: ${why(error)}`, explicit ? 'check the path given to --input' : 'fix or remove it, or pass the other files to --input');
  }
  const real = await realpath(path).catch(() => resolve(path));
  if (info.isFile() || (explicit && (info.isFIFO() || info.isCharacterDevice()))) {
    // A file reached twice (itself and a link to it) is read once.
    if (walk.files.has(real)) return [];
    walk.files.add(real);
    return [path];
  }
  if (!info.isDirectory()) throw inputError(`${path} is not a file or directory`, 'give --input JSON files or directories of them');
  if (walk.dirs.has(real)) return []; // a link back to a folder being read: its files are read once
  walk.dirs.add(real);
  let entries;
  try {
    entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch (error) {
    throw inputError(`cannot read the folder ${path}: ${why(error)}`, 'fix its permissions, or pass the readable files to --input');
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const child = join(path, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(child).catch((error: unknown) => error as NodeJS.ErrnoException);
      if (target instanceof Error) {
        // A dangling link is only an error where a file would have been read.
        if (!entry.name.endsWith('.json')) continue;
        throw inputError(`${child} is a symbolic link that cannot be followed: ${why(target)}`, 'fix or remove the link');
      }
      isDir = target.isDirectory();
      isFile = target.isFile();
    }
    if (isDir) files.push(...(await listJsonFiles(child, false, walk)));
    else if (isFile && entry.name.endsWith('.json')) files.push(...(await listJsonFiles(child, false, walk)));
  }
  if (explicit && files.length === 0) {
    throw inputError(`${path} holds no .json files`, 'save `aws ec2 describe-security-groups` (and other describe-*) output there as .json');
  }
  return files;
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw inputError(`cannot read ${path}: ${why(error)}`, 'check the file and its permissions');
  }
  try {
    // Decoded whole: reading with an encoding decodes chunk by chunk into a rope that JSON.parse
    // must first flatten, a copy of the whole file.
    text = decodeText(bytes);
  } catch (error) {
    if (error instanceof UndecodableText) throw inputError(`${path}: ${error.message}`, RESAVE_HINT);
    throw error;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw inputError(
      `${path} is not valid JSON (${(error as Error).message})`,
      'save the AWS CLI output with `--output json`, unmodified',
    );
  }
  if (nestsDeeperThan(data)) {
    throw inputError(`${path} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep`, 'save the AWS CLI output with `--output json`, unmodified');
  }
  return data;
}

/** Which data kind a bare list holds (output of `--query SecurityGroups` and the like). */
function kindOfList(items: readonly unknown[]): DataKind | undefined {
  const first = items[0];
  if (!isObject(first)) return undefined;
  // A stale group also has GroupId and GroupName: tell it apart before the security groups.
  if ('StaleIpPermissions' in first || 'StaleIpPermissionsEgress' in first) return 'staleSecurityGroups';
  if ('GroupId' in first && ('IpPermissions' in first || 'GroupName' in first)) return 'securityGroups';
  if ('NetworkInterfaceId' in first) return 'networkInterfaces';
  if ('Instances' in first && 'ReservationId' in first) return 'instances';
  if ('VpcId' in first && 'CidrBlock' in first && !('SubnetId' in first)) return 'vpcs';
  if ('SubnetId' in first && 'CidrBlock' in first) return 'subnets';
  if ('NetworkAclId' in first && 'Entries' in first) return 'networkAcls';
  if ('FlowLogId' in first) return 'flowLogs';
  if ('SecurityGroupRuleId' in first) return 'securityGroupRules';
  if ('RouteTableId' in first && 'Routes' in first) return 'routeTables';
  if ('InternetGatewayId' in first) return 'internetGateways';
  if ('EgressOnlyInternetGatewayId' in first) return 'egressOnlyInternetGateways';
  if ('PrefixListId' in first && 'PrefixListName' in first) return 'prefixLists';
  // --query Entries of get-managed-prefix-list-entries: {Cidr, Description?} only.
  if ('Cidr' in first && Object.keys(first).every((k) => k === 'Cidr' || k === 'Description')) return 'prefixListEntries';
  return undefined;
}

type Detected = { kind: DataKind; items: readonly unknown[] } | { snapshot: unknown } | { ignored: string } | { unknown: string };

function detect(path: string, data: unknown): Detected {
  if (Array.isArray(data)) {
    const kind = kindOfList(data);
    if (kind === 'prefixListEntries') return { kind, items: [{ PrefixListId: prefixListIdOf(path, {}), Entries: data }] };
    return kind ? { kind, items: data } : { unknown: data.length === 0 ? 'an empty list' : 'a list of unrecognized items' };
  }
  if (!isObject(data)) return { unknown: 'not an object' };
  if (SNAPSHOT_MARKER in data) return { snapshot: data };
  const keys = Object.keys(data);
  for (const key of keys) {
    const kind = kindForResultKey(key);
    if (!kind) continue;
    if (typeof data['NextToken'] === 'string') {
      throw inputError(
        `${path} holds only the first page of ${DATA_KIND_INFO[kind].operation} (it has a NextToken)`,
        'save it again without --max-items or --no-paginate, so the AWS CLI fetches every page',
      );
    }
    const items = data[key];
    if (!Array.isArray(items)) throw inputError(`${path}: ${key} is not a list`, 'save the AWS CLI output unmodified');
    if (kind === 'prefixListEntries') return { kind, items: [{ PrefixListId: prefixListIdOf(path, data), Entries: items }] };
    return { kind, items };
  }
  const known = keys.find((k) => RECOGNIZED_UNUSED_KEYS.has(k));
  if (known) return { ignored: known };
  return { unknown: keys.length > 0 ? `top-level key ${keys.slice(0, 3).join(', ')}` : 'an empty object' };
}

/** get-managed-prefix-list-entries output does not name its list: the file name (or a PrefixListId key) must. */
function prefixListIdOf(path: string, data: Json): string {
  const given = str(data, 'PrefixListId');
  if (given) return given;
  const fromName = PREFIX_LIST_ID.exec(basename(path))?.[0];
  if (fromName) return fromName;
  throw inputError(
    `${path} holds prefix list entries but does not say which list`,
    'name the file after the list, e.g. get-managed-prefix-list-entries.pl-0123456789abcdef0.json',
  );
}

export interface LoadOptions {
  /**
   * --region, offline: the audit covers only these regions of the input (each must be in it).
   * With one, it is also the region of files whose data, folder and neighbours do not say.
   */
  readonly regions?: readonly string[];
}

/** The field that identifies one item of each kind (a reservation for instances, a list for its entries). */
const ID_KEY: Readonly<Record<DataKind, string>> = {
  securityGroups: 'GroupId',
  networkInterfaces: 'NetworkInterfaceId',
  instances: 'ReservationId',
  vpcs: 'VpcId',
  subnets: 'SubnetId',
  networkAcls: 'NetworkAclId',
  flowLogs: 'FlowLogId',
  securityGroupRules: 'SecurityGroupRuleId',
  prefixLists: 'PrefixListId',
  prefixListEntries: 'PrefixListId',
  staleSecurityGroups: 'GroupId',
  routeTables: 'RouteTableId',
  internetGateways: 'InternetGatewayId',
  egressOnlyInternetGateways: 'EgressOnlyInternetGatewayId',
};

/**
 * One copy of each resource per account × region: a resource found in two files (or twice in one)
 * is kept once when the copies are equal, and is an input error naming both files when they
 * differ (two saves of an account at different times: which one is true cannot be guessed).
 * Scopes are compared apart: a subnet shared from another account is in both accounts' output.
 */
export function mergeDuplicates(scopes: readonly RawScope[]): RawScope[] {
  // By account × region, kind and id: a snapshot and a describe-* file of one region are two scopes here.
  const seen = new Map<string, { item: unknown; origin: string | undefined }>();
  return scopes.map((scope) => {
    let changed = false;
    const kinds: Partial<Record<DataKind, RawKindResult>> = {};
    for (const [kind, result] of Object.entries(scope.kinds) as [DataKind, RawKindResult][]) {
      if (result.status !== 'ok') {
        kinds[kind] = result;
        continue;
      }
      const key = ID_KEY[kind];
      const prefix = `${scope.accountId ?? ''}/${scope.region}/${kind}/`;
      const parts = result.parts.map((part): RawPart => {
        let kept: unknown[] | undefined;
        part.items.forEach((item, i) => {
          const id = isObject(item) ? item[key] : undefined;
          const first = typeof id === 'string' ? seen.get(prefix + id) : undefined;
          if (typeof id === 'string' && first === undefined) seen.set(prefix + id, { item, origin: part.origin });
          if (first === undefined) {
            kept?.push(item);
            return;
          }
          if (!isDeepStrictEqual(first.item, item)) {
            const where = first.origin === part.origin ? `twice in ${part.origin ?? 'the input'}` : `in both ${first.origin ?? 'the input'} and ${part.origin ?? 'the input'}`;
            throw inputError(
              `${id as string} (${DATA_KIND_INFO[kind].resultKey}) is ${where}, and the copies differ`,
              'they are two saves of the same account: audit one of them (pass each to its own run)',
            );
          }
          kept ??= part.items.slice(0, i);
        });
        if (!kept) return part;
        changed = true;
        return { ...part, items: kept };
      });
      kinds[kind] = { status: 'ok', parts };
    }
    return changed ? { ...scope, kinds } : scope;
  });
}

export async function loadInputs(paths: readonly string[], options: LoadOptions = {}): Promise<RawSnapshot> {
  const warnings: string[] = [];
  const loaded: LoadedFile[] = [];
  const snapshotScopes: RawScope[] = [];
  const inputs: string[] = [];
  // `--region all` offline is every region of the input, as no --region is.
  const named = options.regions?.includes('all') ? [] : [...new Set(options.regions ?? [])];
  const walk: Walk = { dirs: new Set(), files: new Set() };

  for (const input of paths) {
    const explicitFile = (await stat(input).catch(() => undefined))?.isFile() ?? false;
    for (const path of await listJsonFiles(input, true, walk)) {
      inputs.push(path);
      const detected = detect(path, await readJson(path));
      if ('snapshot' in detected) {
        snapshotScopes.push(...parseSnapshot(path, detected.snapshot).scopes);
      } else if ('ignored' in detected) {
        continue; // describe-* output no enabled rule reads yet
      } else if ('unknown' in detected) {
        if (explicitFile) {
          throw inputError(
            `${path} is not saved \`aws ec2 describe-*\` output or an sg-audit snapshot (${detected.unknown})`,
            'pass the unmodified JSON of aws ec2 describe-security-groups (or another describe-* call docs/offline.md lists)',
          );
        }
        warnings.push(`skipped ${path}: not recognized as aws ec2 describe-* output (${detected.unknown})`);
      } else {
        loaded.push({
          path,
          dir: dirname(resolve(path)),
          kind: detected.kind,
          items: detected.items,
          placements: detected.items.map((item) => placementOf(detected.kind, item)),
        });
      }
    }
  }

  // Directory-level facts, for files whose own items are silent (an empty list, VPCs).
  const byDir = new Map<string, LoadedFile[]>();
  for (const file of loaded) pushTo(byDir, file.dir, file);
  const dirRegion = new Map<string, string | undefined>();
  const dirAccount = new Map<string, string | undefined>();
  for (const [dir, files] of byDir) {
    const placements = files.flatMap((f) => f.placements);
    dirRegion.set(dir, consensus(placements.map((p) => p.region)) ?? pathHint(dir, REGION_NAME));
    dirAccount.set(dir, consensus(placements.map((p) => p.account)) ?? pathHint(dir, ACCOUNT_ID));
  }

  const scopes = new Map<string, { accountId?: string; region: string; kinds: Map<DataKind, RawPart[]> }>();
  const addPart = (account: string | undefined, region: string, kind: DataKind, part: RawPart) => {
    const key = `${account ?? ''}/${region}`;
    let scope = scopes.get(key);
    if (!scope) {
      scope = { ...(account ? { accountId: account } : {}), region, kinds: new Map() };
      scopes.set(key, scope);
    }
    pushTo(scope.kinds, kind, part);
  };

  // With one --region, it names the region of files nothing else places; with several, which
  // one such a file belongs to cannot be told.
  const fallbackRegion = named.length === 1 ? named[0] : undefined;
  let unknownRegionFiles = 0;
  let labelled = false;
  for (const file of loaded) {
    const known = consensus(file.placements.map((p) => p.region)) ?? dirRegion.get(file.dir);
    const fileRegion = known ?? fallbackRegion ?? 'unknown';
    const fileAccount = consensus(file.placements.map((p) => p.account)) ?? dirAccount.get(file.dir);
    // Usually one region per file (one CLI call); a merged multi-region file is split by item.
    // An empty file still marks its kind as collected in its own region.
    const byRegion = new Map<string, unknown[]>();
    file.items.forEach((item, i) => {
      const region = file.placements[i]?.region ?? fileRegion;
      pushTo(byRegion, region, item);
    });
    if (file.items.length === 0) byRegion.set(fileRegion, []);
    // Placed by nothing but --region (or left unknown): some item, or the empty file itself, says no region.
    const silent = known === undefined && (file.items.length === 0 || file.placements.some((p) => p.region === undefined));
    if (silent && named.length > 1) {
      throw inputError(
        `${displayPath(file.path)}: its data does not say its region, and --region names ${named.length}`,
        'put it in a folder named after its region (saved/eu-west-1/…), or audit it with one --region',
      );
    }
    if (silent && fallbackRegion !== undefined) labelled = true;
    if (byRegion.has('unknown')) unknownRegionFiles++;
    for (const [region, items] of byRegion) {
      addPart(fileAccount, region, file.kind, { origin: displayPath(file.path), items });
    }
  }
  if (unknownRegionFiles > 0) {
    warnings.push(`the region of ${unknownRegionFiles} input file(s) is not in the data; reported as "unknown" (pass --region to name it)`);
  }

  const fileScopes: RawScope[] = [...scopes.values()].map((s) => ({
    ...(s.accountId ? { accountId: s.accountId } : {}),
    region: s.region,
    kinds: Object.fromEntries([...s.kinds].map(([kind, parts]) => [kind, { status: 'ok', parts } satisfies RawKindResult])),
  }));
  if (fileScopes.length === 0 && snapshotScopes.length === 0) {
    throw inputError(
      `no security group data in ${paths.join(', ')}`,
      'save `aws ec2 describe-security-groups --output json` to a file and pass it to --input',
    );
  }
  let all = [...snapshotScopes, ...fileScopes];
  if (named.length > 0) {
    all = narrowToRegions(all, named, labelled ? fallbackRegion : undefined, warnings);
  }
  return { source: 'file', inputs: inputs.map(displayPath), scopes: mergeDuplicates(all), warnings };
}

/**
 * Offline --region: only the scopes of the regions named. Each must be in the input (a typo is
 * exit 2, with the closest region of the input); a region given to files that do not say theirs
 * (`labelled`) must be one the AWS SDK knows. What is left out is said in a warning.
 */
function narrowToRegions(scopes: readonly RawScope[], named: readonly string[], labelled: string | undefined, warnings: string[]): RawScope[] {
  const present = [...new Set(scopes.map((s) => s.region))].sort();
  if (labelled !== undefined && !isSdkRegion(labelled)) {
    throw inputError(
      `--region ${labelled} is not an AWS region${didYouMean(labelled, sdkRegions())}`,
      'name the region the files were saved in, e.g. --region us-east-1',
    );
  }
  for (const region of named) {
    if (present.includes(region)) continue;
    throw inputError(
      `--region ${region}: the input has no data for this region${didYouMean(region, present)}`,
      `it holds ${present.join(', ')}; with --input, --region picks among them`,
    );
  }
  const left = present.filter((r) => !named.includes(r));
  if (left.length > 0) warnings.push(`--region: left out ${left.length === 1 ? 'region' : `${left.length} regions`} of the input not named: ${left.join(', ')}`);
  return scopes.filter((s) => named.includes(s.region));
}

function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel.startsWith('..') ? resolve(path) : rel || basename(path);
}
