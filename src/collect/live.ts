// Live collection through @aws-sdk/client-ec2. The only module that loads the SDK, and only
// when a live audit runs (dynamic imports), so --help, --version and --input never pay for it.
// Read-only: Describe*/Get* calls and STS GetCallerIdentity. One paginated sweep per data kind
// per region at the largest page size; a call that fails at any page is recorded as an error for
// that region and kind, never as a shorter list. The two per-id kinds (prefix-list entries, stale
// groups) follow the region's security groups: one call per id found in them, a few at a time.
import { collectionError, usageError } from '../errors.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import type { CollectionError } from '../model/types.js';
import type { RawKindResult, RawScope, RawSnapshot } from './types.js';

export interface LivePlan {
  /** Regions to audit; empty means the default region of the environment or profile. */
  readonly regions: readonly string[];
  readonly kinds: readonly DataKind[];
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** Regions collected at once. */
  readonly concurrency?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
}

export type ProgressEvent =
  | { readonly type: 'call-done'; readonly region: string; readonly operation: string; readonly pages: number; readonly ok: boolean }
  | { readonly type: 'regions'; readonly regions: readonly string[]; readonly calls: number }
  /** Per-id calls (one per prefix list, one per VPC) become known once a region's groups are in; a negative count drops calls not made after a failure. */
  | { readonly type: 'calls-added'; readonly region: string; readonly operation: string; readonly count: number };

const MAX_ATTEMPTS = 6;

type Sdk = typeof import('@aws-sdk/client-ec2');
type Ec2Client = InstanceType<Sdk['EC2Client']>;

/** The SDK on Node 20 prints a support-window warning on first use; it does not help our users. */
function quietSdkWarnings(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

const GRANT = 'grant the read-only actions in the README\'s IAM policy to this identity';
const GET_ENTRIES =
  'grant ec2:GetManagedPrefixListEntries: it is a Get* action, which ec2:Describe* and the AmazonEC2ReadOnlyAccess ' +
  'policy do not include (SecurityAudit and ReadOnlyAccess do); see the README\'s IAM policy';

const HINTS: Readonly<Record<string, string>> = {
  UnauthorizedOperation: GRANT,
  AccessDenied: GRANT,
  AuthFailure: 'the credentials are not valid here, or the region is not enabled for the account',
  InvalidClientTokenId: 'the access key does not exist, or the region is not enabled for the account',
  RequestExpired: 'refresh the credentials (aws sso login) or fix the system clock',
  ExpiredToken: 'refresh the credentials (aws sso login) and run again',
  OptInRequired: 'the account is not subscribed to EC2 in this region',
  RequestLimitExceeded: 'EC2 kept throttling; run again later or audit fewer regions at once',
  InternalError: 'EC2 failed on its side even after retries; run again later',
  ServiceUnavailable: 'EC2 was unavailable even after retries; run again later',
  'InvalidPrefixListID.NotFound': 'a prefix list the groups reference no longer exists (deleted during the audit?); run again',
  'InvalidVpcID.NotFound': 'the VPC no longer exists (deleted during the audit?), or it is shared from another account; run again',
  TimeoutError: 'the endpoint did not answer in time; check the network or --endpoint-url',
  ECONNREFUSED: 'nothing answered at the endpoint; check --endpoint-url and the network',
  ENOTFOUND: 'the endpoint host name does not resolve; check --region, --endpoint-url and DNS',
  MalformedResponse: 'the endpoint answered with something that is not an EC2 response; check --endpoint-url or a proxy',
};

/** Hints that depend on the operation as well as the code, keyed `Operation Code`. */
const OPERATION_HINTS: Readonly<Record<string, string>> = {
  'GetManagedPrefixListEntries UnauthorizedOperation': GET_ENTRIES,
  'GetManagedPrefixListEntries AccessDenied': GET_ENTRIES,
};

export function hintFor(code: string, operation?: string): string | undefined {
  return (operation !== undefined ? OPERATION_HINTS[`${operation} ${code}`] : undefined) ?? HINTS[code];
}

/** One line from an SDK or network error: its code, a short message, and a hint where we have one. */
export function toCollectionError(error: unknown, operation: string): CollectionError {
  const e = error as { name?: string; code?: string; message?: string };
  // The SDK reports an unparseable body as a plain Error ("@aws-sdk XML parse error …").
  const malformed = e.name === 'Error' && /XML parse error|Unexpected end|not well-formed/i.test(e.message ?? '');
  const code = malformed ? 'MalformedResponse' : e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  // IAM denials carry a long encoded blob: keep the sentence, point at the decoder.
  const message = (e.message ?? String(error))
    .replace(/\s*Encoded authorization failure message:\s*\S+/, ' (decode details with aws sts decode-authorization-message)')
    .split('\n')[0] as string;
  const hint = hintFor(code, operation);
  return { code, message, operation, ...(hint ? { hint } : {}) };
}

async function resolveDefaultRegion(sdk: Sdk, plan: LivePlan, env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const client = new sdk.EC2Client(plan.profile ? { profile: plan.profile } : {});
    const region = await client.config.region();
    client.destroy();
    if (region) return region;
  } catch {
    // fall through: AWS_DEFAULT_REGION is the AWS CLI's variable, which the SDK does not read
  }
  const cliRegion = env['AWS_DEFAULT_REGION'];
  if (cliRegion) return cliRegion;
  throw usageError(
    'no AWS region given',
    'pass --region us-east-1 (repeatable, or "all"), set AWS_REGION, or set a region in your AWS profile',
  );
}

/** --region list as given; "all" = every region enabled for the account (DescribeRegions in the home region). */
async function resolveRegions(sdk: Sdk, plan: LivePlan, env: NodeJS.ProcessEnv, credentials: unknown): Promise<string[]> {
  if (plan.regions.length === 0) return [await resolveDefaultRegion(sdk, plan, env)];
  if (!plan.regions.includes('all')) return [...new Set(plan.regions)];
  const home = await resolveDefaultRegion(sdk, plan, env).catch(() => 'us-east-1');
  const client = new sdk.EC2Client({
    region: home,
    credentials: credentials as never,
    maxAttempts: MAX_ATTEMPTS,
    ...(plan.endpointUrl ? { endpoint: plan.endpointUrl } : {}),
  });
  try {
    // Without AllRegions the answer lists only the regions enabled for the account.
    const { Regions } = await client.send(new sdk.DescribeRegionsCommand({}));
    const names = (Regions ?? []).map((r) => r.RegionName).filter((n): n is string => Boolean(n));
    const extra = plan.regions.filter((r) => r !== 'all');
    return [...new Set([...names, ...extra])].sort();
  } catch (error) {
    const e = toCollectionError(error, 'DescribeRegions');
    throw collectionError(
      `could not list the account's regions (${e.code}: ${e.message})`,
      'grant ec2:DescribeRegions, or name the regions: --region us-east-1 --region eu-west-1',
    );
  } finally {
    client.destroy();
  }
}

/**
 * With a custom EC2 endpoint (LocalStack, a test double, a VPC endpoint) STS is asked only when
 * an STS endpoint is configured too: never a surprise call to real AWS. Otherwise the account
 * comes from the OwnerId of the data.
 */
function stsAllowed(plan: LivePlan, env: NodeJS.ProcessEnv): boolean {
  return !plan.endpointUrl || Boolean(env['AWS_ENDPOINT_URL_STS'] || env['AWS_ENDPOINT_URL']);
}

async function accountIdOf(plan: LivePlan, env: NodeJS.ProcessEnv, region: string, credentials: unknown): Promise<string | undefined> {
  if (!stsAllowed(plan, env)) return undefined;
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const sts = new STSClient({ region, credentials: credentials as never, maxAttempts: 3 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } finally {
    sts.destroy();
  }
}

/**
 * A 200 whose body is XML of another shape (a proxy's error page) parses to `{}`: real EC2 always
 * sends the list element, even empty, so a page without it is an error, not zero items.
 */
function pageItems(page: object, key: string, operation: string): readonly unknown[] {
  const items = (page as Record<string, unknown>)[key];
  if (!Array.isArray(items)) {
    throw Object.assign(new Error(`the ${operation} response has no ${key} list (not an EC2 response?)`), { name: 'MalformedResponse' });
  }
  return items;
}

type PaginationConfig = { client: Ec2Client; pageSize: number };
type Pages = AsyncIterable<object>;

/** The per-id kinds (see src/model/kinds.ts): fetched after the region's security groups, once per id found in them. */
type PerIdKind = 'prefixListEntries' | 'staleSecurityGroups';
type ListKind = Exclude<DataKind, PerIdKind>;

const isPerIdKind = (kind: DataKind): kind is PerIdKind => DATA_KIND_INFO[kind].perItemOf !== undefined;

/**
 * One paginated list call per kind and region. Interfaces and instances of AWS-managed resources
 * can be hidden by an account setting; an auditor must see them. (Route tables, when a rule
 * needs them, page at 100.)
 */
const LIST_CALLS: { readonly [K in ListKind]: (sdk: Sdk, config: PaginationConfig) => Pages } = {
  securityGroups: (sdk, config) => sdk.paginateDescribeSecurityGroups(config, {}),
  networkInterfaces: (sdk, config) => sdk.paginateDescribeNetworkInterfaces(config, { IncludeManagedResources: true }),
  instances: (sdk, config) => sdk.paginateDescribeInstances(config, { IncludeManagedResources: true }),
  vpcs: (sdk, config) => sdk.paginateDescribeVpcs(config, {}),
  subnets: (sdk, config) => sdk.paginateDescribeSubnets(config, {}),
  networkAcls: (sdk, config) => sdk.paginateDescribeNetworkAcls(config, {}),
  flowLogs: (sdk, config) => sdk.paginateDescribeFlowLogs(config, {}),
  securityGroupRules: (sdk, config) => sdk.paginateDescribeSecurityGroupRules(config, {}),
  prefixLists: (sdk, config) => sdk.paginateDescribeManagedPrefixLists(config, {}),
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (o: Json, key: string): Json[] => (Array.isArray(o[key]) ? (o[key] as unknown[]).filter(isObject) : []);
const permissionsOf = (group: Json): Json[] => [...listOf(group, 'IpPermissions'), ...listOf(group, 'IpPermissionsEgress')];

/** Every prefix list the groups' rules (inbound or outbound) reference, sorted. */
export function referencedPrefixListIds(groups: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const group of groups.filter(isObject)) {
    for (const perm of permissionsOf(group)) {
      for (const ref of listOf(perm, 'PrefixListIds')) {
        if (typeof ref['PrefixListId'] === 'string' && ref['PrefixListId'] !== '') ids.add(ref['PrefixListId']);
      }
    }
  }
  return [...ids].sort();
}

/**
 * The VPCs that can hold a stale rule, sorted: those with a group that references a group which
 * is not one of the same VPC's groups in this sweep (a reference across a peering connection,
 * Transit Gateway or VPC association, from another account, or to a deleted group). A VPC whose
 * references all resolve to its own groups cannot hold one, so it costs no call.
 */
export function staleCandidateVpcIds(groups: readonly unknown[]): string[] {
  const groupVpc = new Map<string, string | undefined>();
  for (const group of groups.filter(isObject)) {
    if (typeof group['GroupId'] === 'string') groupVpc.set(group['GroupId'], typeof group['VpcId'] === 'string' ? group['VpcId'] : undefined);
  }
  const vpcs = new Set<string>();
  for (const group of groups.filter(isObject)) {
    const vpc = group['VpcId'];
    // DescribeStaleSecurityGroups takes a VpcId: a group outside any VPC (EC2-Classic) has nothing to ask about.
    if (typeof vpc !== 'string' || vpc === '' || vpcs.has(vpc)) continue;
    const elsewhere = permissionsOf(group).some((perm) =>
      listOf(perm, 'UserIdGroupPairs').some((pair) => {
        const id = pair['GroupId'];
        // Not a group of this VPC in the sweep (or no GroupId at all, which cannot be shown to be local): ask.
        return typeof id !== 'string' || groupVpc.get(id) !== vpc;
      }),
    );
    if (elsewhere) vpcs.add(vpc);
  }
  return [...vpcs].sort();
}

interface PerIdCall {
  /** The ids to ask about, from the region's security groups. */
  ids(groups: readonly unknown[]): string[];
  pages(sdk: Sdk, config: PaginationConfig, id: string): Pages;
  /** The raw items one id contributes, from all its pages' items. */
  items(id: string, pageItems: readonly unknown[]): readonly unknown[];
}

const PER_ID_CALLS: { readonly [K in PerIdKind]: PerIdCall } = {
  prefixListEntries: {
    ids: referencedPrefixListIds,
    pages: (sdk, config, id) => sdk.paginateGetManagedPrefixListEntries(config, { PrefixListId: id }),
    // The entries do not name their list: one item per list, as normalization reads them.
    items: (id, entries) => [{ PrefixListId: id, Entries: entries }],
  },
  staleSecurityGroups: {
    ids: staleCandidateVpcIds,
    pages: (sdk, config, id) => sdk.paginateDescribeStaleSecurityGroups(config, { VpcId: id }),
    items: (_id, groups) => groups,
  },
};

/** Per-id calls of one kind in one region at once. */
const PER_ID_CONCURRENCY = 4;

/** Every item of every page, or throws (a partial list is never returned). */
async function drain(pages: Pages, kind: DataKind, onPage: () => void): Promise<unknown[]> {
  const { operation, resultKey } = DATA_KIND_INFO[kind];
  const items: unknown[] = [];
  for await (const page of pages) {
    items.push(...pageItems(page, resultKey, operation));
    onPage();
  }
  return items;
}

async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  });
  await Promise.all(workers);
  return results;
}

export async function collectLive(plan: LivePlan): Promise<RawSnapshot> {
  // AWS_* settings are read from the process environment, as the SDK itself reads them.
  const env = process.env;
  quietSdkWarnings();
  const sdk = await import('@aws-sdk/client-ec2');
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const credentials = fromNodeProviderChain(plan.profile ? { profile: plan.profile } : {});
  try {
    await credentials();
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0];
    throw collectionError(
      `no usable AWS credentials (${detail})`,
      plan.profile
        ? `check profile "${plan.profile}" in ~/.aws/config, or run \`aws sso login --profile ${plan.profile}\``
        : 'set AWS_PROFILE or pass --profile, run `aws configure` or `aws sso login`, or audit saved JSON with --input',
    );
  }

  const regions = await resolveRegions(sdk, plan, env, credentials);
  const perIdKinds = plan.kinds.filter(isPerIdKind);
  // The per-id kinds are found through the security groups, so those are swept whenever they are wanted.
  const listKinds = DATA_KINDS.filter(
    (kind): kind is ListKind => !isPerIdKind(kind) && (plan.kinds.includes(kind) || (kind === 'securityGroups' && perIdKinds.length > 0)),
  );
  // The per-id calls are counted as their ids become known (`calls-added`).
  plan.onProgress?.({ type: 'regions', regions, calls: regions.length * listKinds.length });
  const warnings: string[] = [];
  let accountId: string | undefined;
  try {
    accountId = await accountIdOf(plan, env, regions[0] as string, credentials);
  } catch (error) {
    const e = toCollectionError(error, 'GetCallerIdentity');
    warnings.push(`could not read the account id from STS (${e.code}: ${e.message}); using the OwnerId of the data`);
  }

  const scopes = await mapBounded(regions, plan.concurrency ?? 4, async (region): Promise<RawScope> => {
    const client = new sdk.EC2Client({
      region,
      credentials,
      maxAttempts: MAX_ATTEMPTS,
      ...(plan.endpointUrl ? { endpoint: plan.endpointUrl } : {}),
      // Without throwOnRequestTimeout the SDK only logs a slow request and keeps waiting.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000, throwOnRequestTimeout: true },
    });
    const progress = (operation: string, pages: number, ok: boolean) =>
      plan.onProgress?.({ type: 'call-done', region, operation, pages, ok });

    /** One paginated call: its items, or the error as one line. */
    const call = async (kind: DataKind, pages: Pages): Promise<{ items: unknown[] } | { error: CollectionError }> => {
      const operation = DATA_KIND_INFO[kind].operation;
      let count = 0;
      try {
        const items = await drain(pages, kind, () => void count++);
        progress(operation, count, true);
        return { items };
      } catch (error) {
        progress(operation, count, false);
        return { error: toCollectionError(error, operation) };
      }
    };

    const listKind = async (kind: ListKind): Promise<RawKindResult> => {
      const out = await call(kind, LIST_CALLS[kind](sdk, { client, pageSize: DATA_KIND_INFO[kind].pageSize }));
      return 'error' in out ? { status: 'error', error: out.error } : { status: 'ok', parts: [{ items: out.items }] };
    };

    const perIdKind = async (kind: PerIdKind, groups: Promise<RawKindResult> | undefined): Promise<RawKindResult> => {
      const { operation, perItemOf, pageSize } = DATA_KIND_INFO[kind];
      const swept = await groups;
      if (swept?.status !== 'ok') {
        const cause = swept?.status === 'error' ? ` (${swept.error.code})` : '';
        return {
          status: 'error',
          error: {
            code: 'NotCollected',
            message: `not collected: DescribeSecurityGroups failed${cause}, and the ${perItemOf}s to ask about are found in the groups`,
            operation,
            hint: 'fix the DescribeSecurityGroups error first; these calls follow from it',
          },
        };
      }
      const spec = PER_ID_CALLS[kind];
      const ids = spec.ids(swept.parts.flatMap((p) => p.items));
      if (ids.length > 0) plan.onProgress?.({ type: 'calls-added', region, operation, count: ids.length });
      // The first failure fails the kind (never a partial list), so the calls not yet started are dropped.
      let failure: CollectionError | undefined;
      let started = 0;
      const perId = await mapBounded(ids, PER_ID_CONCURRENCY, async (id) => {
        if (failure) return [];
        started++;
        const out = await call(kind, spec.pages(sdk, { client, pageSize }, id));
        if ('error' in out) {
          failure ??= { ...out.error, message: `${out.error.message} (${perItemOf} ${id})` };
          return [];
        }
        return spec.items(id, out.items);
      });
      if (started < ids.length) plan.onProgress?.({ type: 'calls-added', region, operation, count: started - ids.length });
      return failure ? { status: 'error', error: failure } : { status: 'ok', parts: [{ items: perId.flat() }] };
    };

    try {
      const listed = new Map(listKinds.map((kind) => [kind, listKind(kind)] as const));
      const results = await Promise.all(
        plan.kinds.map(async (kind): Promise<[DataKind, RawKindResult]> => [
          kind,
          await (isPerIdKind(kind) ? perIdKind(kind, listed.get('securityGroups')) : (listed.get(kind) as Promise<RawKindResult>)),
        ]),
      );
      return { ...(accountId ? { accountId } : {}), region, kinds: Object.fromEntries(results) };
    } finally {
      client.destroy();
    }
  });

  const inputs = [plan.endpointUrl ? `endpoint ${plan.endpointUrl}` : 'aws', ...(plan.profile ? [`profile ${plan.profile}`] : [])];
  return { source: 'aws', inputs, scopes, warnings };
}
