// Live collection through @aws-sdk/client-ec2. The only module that loads the SDK, and only
// when a live audit runs (dynamic imports), so --help, --version and --input never pay for it.
// Read-only: Describe*/Get* calls and STS GetCallerIdentity. One paginated sweep per data kind
// per region at the largest page size; a call that fails at any page is recorded as an error for
// that region and kind, never as a shorter list. The two per-id kinds (prefix-list entries, stale
// groups) follow the region's security groups: one call per id found in them, a few at a time.
import { availableParallelism } from 'node:os';
import { collectionError, usageError } from '../errors.js';
import { DATA_KINDS, DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
import type { CollectionError } from '../model/types.js';
import { DEFAULT_RETRY, DEFAULT_SWEEP_BOUNDS, Limiter, Pace, REAL_CLOCK, isParseError, withRetry, type Clock, type RetryContext, type RetryPolicy, type SweepBounds } from './retry.js';
import { isSdkRegion, sdkRegions, unknownRegionError } from './regions.js';
import { selectShard, type ShardPlan, type ShardSpec } from './shard.js';
import type { RawKindResult, RawScope, RawSnapshot } from './types.js';

export interface LivePlan {
  /** Regions to audit; empty means the default region of the environment or profile. */
  readonly regions: readonly string[];
  readonly kinds: readonly DataKind[];
  readonly profile?: string;
  readonly endpointUrl?: string;
  /** Audit other accounts through a role assumed in each. */
  readonly assume?: AssumeRolePlan;
  /** Account × region scopes collected at once. */
  readonly concurrency?: number;
  /** Requests in flight at once, across every account and region. */
  readonly maxInFlight?: number;
  readonly retry?: RetryPolicy;
  /** The most pages, and the most time, one data kind may take in one account × region. */
  readonly sweep?: SweepBounds;
  /** How long one request may take before it fails (and is retried). */
  readonly requestTimeoutMs?: number;
  /** Tests inject a clock; the run uses the real one. */
  readonly clock?: Clock;
  /** Collection threads (1: the main thread only); by default 2 when there are two cores and several scopes. */
  readonly threads?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** --shard: collect only this shard's part of the account × region pairs. */
  readonly shard?: Pick<ShardSpec, 'index' | 'total'>;
}

export interface AssumeRolePlan {
  /** The role to assume; `{account}` stands for each account id. */
  readonly roleArn: string;
  /** Account ids, or every active account of the organization; empty: the account the ARN names. */
  readonly accounts: readonly string[] | 'organization';
  readonly externalId?: string;
}

export type ProgressEvent =
  | { readonly type: 'call-done'; readonly region: string; readonly operation: string; readonly pages: number; readonly ok: boolean }
  | { readonly type: 'regions'; readonly regions: readonly string[]; readonly calls: number }
  /** Per-id calls (one per prefix list, one per VPC) become known once a region's groups are in; a negative count drops calls not made after a failure. */
  | { readonly type: 'calls-added'; readonly region: string; readonly operation: string; readonly count: number };

type Sdk = typeof import('@aws-sdk/client-ec2');
type Ec2Client = InstanceType<Sdk['EC2Client']>;

/** The SDK on Node 20 prints a support-window warning on first use; it does not help our users. */
function quietSdkWarnings(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

const GRANT = 'grant the read-only actions in the IAM policy of docs/live.md to this identity';
const GET_ENTRIES =
  'grant ec2:GetManagedPrefixListEntries: it is a Get* action, which ec2:Describe* and the AmazonEC2ReadOnlyAccess ' +
  'policy do not include (SecurityAudit and ReadOnlyAccess do); see the IAM policy of docs/live.md';

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
  PageLimitExceeded: 'the endpoint kept handing out page tokens; if the account really holds this many, raise --max-pages (or SG_AUDIT_MAX_PAGES)',
  SweepTimeout: 'the call took longer than its deadline; raise --sweep-timeout (or SG_AUDIT_SWEEP_TIMEOUT), or run again when EC2 is less busy',
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
  const malformed = isParseError(error);
  const code = malformed ? 'MalformedResponse' : e.name && e.name !== 'Error' ? e.name : (e.code ?? 'Error');
  // IAM denials carry a long encoded blob: keep the sentence, point at the decoder.
  const message = (e.message ?? String(error))
    .replace(/\s*Encoded authorization failure message:\s*\S+/, ' (decode details with aws sts decode-authorization-message)')
    .split('\n')[0] as string;
  const hint = hintFor(code, operation);
  return { code, message, operation, ...(hint ? { hint } : {}) };
}

/**
 * The region that STS and DescribeRegions are asked in: the first --region named, else the
 * environment's or profile's default.
 */
async function homeRegion(sdk: Sdk, plan: LivePlan, env: NodeJS.ProcessEnv): Promise<string> {
  const named = plan.regions.find((r) => r !== 'all');
  if (named) return named;
  if (plan.regions.includes('all')) return resolveDefaultRegion(sdk, plan, env).catch(() => 'us-east-1');
  return resolveDefaultRegion(sdk, plan, env);
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

/** --region list as given (the home region when none); "all" = every region enabled for the account (DescribeRegions in the home region). */
async function resolveRegions(sdk: Sdk, plan: LivePlan, home: string, credentials: unknown): Promise<string[]> {
  if (plan.regions.length === 0) return [home];
  if (!plan.regions.includes('all')) return [...new Set(plan.regions)];
  const client = new sdk.EC2Client({
    region: home,
    credentials: credentials as never,
    maxAttempts: 6,
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
    // A denial is a missing grant; anything else (a refused connection, a bad endpoint) has its own cause.
    const denied = e.code === 'UnauthorizedOperation' || e.code === 'AccessDenied';
    throw collectionError(
      `could not list the account's regions (${e.code}: ${e.message})`,
      denied || !e.hint ? 'grant ec2:DescribeRegions, or name the regions: --region us-east-1 --region eu-west-1' : `${e.hint}; or name the regions: --region us-east-1 --region eu-west-1`,
    );
  } finally {
    client.destroy();
  }
}

/**
 * A named region the AWS SDK does not know is a typo or a region newer than the SDK: the
 * account's own list (DescribeRegions with AllRegions, asked in a region the SDK knows) tells
 * which. Unknown to both, or unknown to the SDK when the list cannot be read, is exit 2 with the
 * closest name; nothing is collected first.
 */
async function checkRegionNames(sdk: Sdk, plan: LivePlan, env: NodeJS.ProcessEnv, credentials: unknown): Promise<void> {
  const named = [...new Set(plan.regions.filter((r) => r !== 'all'))];
  const unknown = named.filter((r) => !isSdkRegion(r));
  if (unknown.length === 0) return;
  const fallback = await resolveDefaultRegion(sdk, plan, env).catch(() => undefined);
  const askIn = named.find(isSdkRegion) ?? (fallback !== undefined && isSdkRegion(fallback) ? fallback : 'us-east-1');
  const client = new sdk.EC2Client({
    region: askIn,
    credentials: credentials as never,
    maxAttempts: 3,
    logger: SILENT_LOGGER as never,
    ...(plan.endpointUrl ? { endpoint: plan.endpointUrl } : {}),
  });
  let listed: string[] | undefined;
  let failure: string | undefined;
  try {
    const { Regions } = await client.send(new sdk.DescribeRegionsCommand({ AllRegions: true }));
    listed = (Regions ?? []).map((r) => r.RegionName).filter((n): n is string => Boolean(n));
  } catch (error) {
    failure = toCollectionError(error, 'DescribeRegions').code;
  } finally {
    client.destroy();
  }
  const bad = unknown.find((r) => !listed?.includes(r));
  if (bad === undefined) return;
  throw listed
    ? unknownRegionError(bad, [...sdkRegions(), ...listed], 'not a region of the account, nor one the AWS SDK knows', 'check the name; `aws ec2 describe-regions --all-regions` lists them')
    : unknownRegionError(
        bad,
        sdkRegions(),
        `not a region the AWS SDK knows, and the account's region list could not be read (DescribeRegions: ${failure ?? 'failed'})`,
        'check the name; a region newer than this sg-audit is recognized once ec2:DescribeRegions is granted',
      );
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

/** What every page request carries; each call adds its own fixed parameters. */
interface PageInput {
  readonly MaxResults: number;
  readonly NextToken?: string;
}

/** One page of a call: the response as the SDK parsed it. */
type FetchPage = (input: PageInput) => Promise<object>;

/** The per-id kinds (see src/model/kinds.ts): fetched after the region's security groups, once per id found in them. */
type PerIdKind = 'prefixListEntries' | 'staleSecurityGroups';
type ListKind = Exclude<DataKind, PerIdKind>;

const isPerIdKind = (kind: DataKind): kind is PerIdKind => DATA_KIND_INFO[kind].perItemOf !== undefined;

/**
 * One paginated list call per kind and region: the command and its fixed input (MaxResults and
 * NextToken are added per page). Interfaces and instances of AWS-managed resources can be hidden
 * by an account setting; an auditor must see them.
 */
const LIST_CALLS: { readonly [K in ListKind]: (sdk: Sdk, client: Ec2Client) => FetchPage } = {
  securityGroups: (sdk, client) => (input) => client.send(new sdk.DescribeSecurityGroupsCommand(input)),
  networkInterfaces: (sdk, client) => (input) => client.send(new sdk.DescribeNetworkInterfacesCommand({ ...input, IncludeManagedResources: true })),
  instances: (sdk, client) => (input) => client.send(new sdk.DescribeInstancesCommand({ ...input, IncludeManagedResources: true })),
  vpcs: (sdk, client) => (input) => client.send(new sdk.DescribeVpcsCommand(input)),
  subnets: (sdk, client) => (input) => client.send(new sdk.DescribeSubnetsCommand(input)),
  networkAcls: (sdk, client) => (input) => client.send(new sdk.DescribeNetworkAclsCommand(input)),
  flowLogs: (sdk, client) => (input) => client.send(new sdk.DescribeFlowLogsCommand(input)),
  securityGroupRules: (sdk, client) => (input) => client.send(new sdk.DescribeSecurityGroupRulesCommand(input)),
  prefixLists: (sdk, client) => (input) => client.send(new sdk.DescribeManagedPrefixListsCommand(input)),
  routeTables: (sdk, client) => (input) => client.send(new sdk.DescribeRouteTablesCommand(input)),
  internetGateways: (sdk, client) => (input) => client.send(new sdk.DescribeInternetGatewaysCommand(input)),
  egressOnlyInternetGateways: (sdk, client) => (input) => client.send(new sdk.DescribeEgressOnlyInternetGatewaysCommand(input)),
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
  fetch(sdk: Sdk, client: Ec2Client, id: string): FetchPage;
  /** The raw items one id contributes, from all its pages' items. */
  items(id: string, pageItems: readonly unknown[]): readonly unknown[];
}

const PER_ID_CALLS: { readonly [K in PerIdKind]: PerIdCall } = {
  prefixListEntries: {
    ids: referencedPrefixListIds,
    fetch: (sdk, client, id) => (input) => client.send(new sdk.GetManagedPrefixListEntriesCommand({ ...input, PrefixListId: id })),
    // The entries do not name their list: one item per list, as normalization reads them.
    items: (id, entries) => [{ PrefixListId: id, Entries: entries }],
  },
  staleSecurityGroups: {
    ids: staleCandidateVpcIds,
    fetch: (sdk, client, id) => (input) => client.send(new sdk.DescribeStaleSecurityGroupsCommand({ ...input, VpcId: id })),
    items: (_id, groups) => groups,
  },
};

/** Per-id calls of one kind in one region at once. */
const PER_ID_CONCURRENCY = 4;

/**
 * Every item of every page, or throws (a partial list is never returned). Each page is its own
 * request with its own retries, so a throttled or garbled page 40 does not restart the call.
 * Every sweep ends: after `maxPages` pages, or once its deadline (clock time) has passed, it
 * fails rather than page on (an endpoint that hands out a new token forever would never end).
 */
async function drain(
  fetchPage: FetchPage,
  kind: DataKind,
  retry: RetryContext,
  onPage: () => void,
  bounds: { readonly maxPages: number; readonly deadline: number },
): Promise<unknown[]> {
  const { operation, resultKey, pageSize } = DATA_KIND_INFO[kind];
  const items: unknown[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  let pages = 0;
  do {
    if (pages >= bounds.maxPages) {
      throw Object.assign(new Error(`${operation} still had more pages after ${pages} (the most one sweep may take); no partial list is used`), { name: 'PageLimitExceeded' });
    }
    if (retry.clock.now() > bounds.deadline) {
      throw Object.assign(new Error(`${operation} did not finish before its deadline (${pages} page(s) read); no partial list is used`), { name: 'SweepTimeout' });
    }
    const input: PageInput = { MaxResults: pageSize, ...(token !== undefined ? { NextToken: token } : {}) };
    const page = await withRetry(async () => {
      const response = await fetchPage(input);
      // Read inside the retry: a page that is not an EC2 response is retried like a garbled one.
      return { list: pageItems(response, resultKey, operation), next: (response as { NextToken?: unknown }).NextToken };
    }, { ...retry, deadline: bounds.deadline });
    pages++;
    for (const item of page.list) items.push(item);
    onPage();
    const next = page.next;
    token = typeof next === 'string' && next !== '' ? next : undefined;
    // An endpoint that hands back a token it gave before would page forever.
    if (token !== undefined) {
      if (seen.has(token)) throw Object.assign(new Error(`${operation} returned the same page token twice`), { name: 'MalformedResponse' });
      seen.add(token);
    }
  } while (token !== undefined);
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

const SILENT_LOGGER = { debug: () => undefined, warn: () => undefined, error: () => undefined };

/** Whose data a scope is collected with: the caller's own, or a role assumed in one account. */
interface Target {
  /** Known up front for an assumed role; else from STS (or the data's OwnerId). */
  readonly accountId?: string;
  readonly credentials: AwsCredentials;
  /** Set when the target could not be reached at all (the role could not be assumed). */
  readonly failure?: CollectionError;
}

type AwsCredentials = () => Promise<unknown>;

/**
 * One AssumeRole per account for the whole run, not one per regional client: the credentials
 * are shared until five minutes before they expire, then fetched again.
 */
function sharedCredentials(provider: AwsCredentials): AwsCredentials {
  let current: Promise<unknown> | undefined;
  let expiresAt = Infinity;
  return () => {
    if (!current || Date.now() > expiresAt - 300_000) {
      const next = provider().then((credentials) => {
        const expiration = (credentials as { expiration?: Date }).expiration;
        expiresAt = expiration ? expiration.getTime() : Infinity;
        return credentials;
      });
      // A failure is not kept: the next caller asks again.
      next.catch(() => (current = current === next ? undefined : current));
      current = next;
    }
    return current;
  };
}

function roleArnFor(template: string, accountId: string): string {
  return template.replaceAll('{account}', accountId);
}

/** The account id a role ARN names (arn:aws:iam::123456789012:role/x). */
function accountOfRole(arn: string): string | undefined {
  return /^arn:[^:]+:iam::(\d{12}):role\//.exec(arn)?.[1];
}

/** Every active account of the organization, by Organizations ListAccounts with the caller's credentials. */
async function organizationAccounts(credentials: AwsCredentials, endpoint: string | undefined): Promise<string[]> {
  const { OrganizationsClient, paginateListAccounts } = await import('@aws-sdk/client-organizations');
  // Organizations answers in us-east-1 only (aws partition).
  const client = new OrganizationsClient({ region: 'us-east-1', credentials: credentials as never, ...(endpoint ? { endpoint } : {}) });
  try {
    const ids: string[] = [];
    for await (const page of paginateListAccounts({ client }, {})) {
      for (const account of page.Accounts ?? []) {
        const state = (account as { State?: string }).State ?? account.Status;
        if (account.Id && state === 'ACTIVE') ids.push(account.Id);
      }
    }
    return ids.sort();
  } catch (error) {
    const e = toCollectionError(error, 'ListAccounts');
    throw collectionError(
      `could not list the organization's accounts (${e.code}: ${e.message})`,
      'run from the management account or a delegated administrator with organizations:ListAccounts, or name the accounts: --accounts 111122223333 444455556666',
    );
  } finally {
    client.destroy();
  }
}

/**
 * The accounts to audit and how to reach each: without --role-arn, the caller's own; with it,
 * the role assumed in every listed account (through the home region's STS endpoint), each
 * checked once up front so an account whose role cannot be assumed is reported, not fatal.
 */
async function targetsOf(plan: LivePlan, base: AwsCredentials, home: string): Promise<Target[]> {
  const assume = plan.assume;
  if (!assume) return [{ credentials: base }];
  const { fromTemporaryCredentials } = await import('@aws-sdk/credential-providers');
  const endpoint = process.env['AWS_ENDPOINT_URL_STS'] ?? plan.endpointUrl;
  const accounts =
    assume.accounts === 'organization'
      ? await organizationAccounts(base, process.env['AWS_ENDPOINT_URL_ORGANIZATIONS'] ?? plan.endpointUrl)
      : assume.accounts.length > 0
        ? [...new Set(assume.accounts)]
        : [accountOfRole(assume.roleArn) ?? ''];
  return mapBounded(accounts, 8, async (accountId): Promise<Target> => {
    const roleArn = roleArnFor(assume.roleArn, accountId);
    const credentials = sharedCredentials(fromTemporaryCredentials({
      params: { RoleArn: roleArn, RoleSessionName: 'sg-audit', ...(assume.externalId ? { ExternalId: assume.externalId } : {}) },
      masterCredentials: base as never,
      // A regional STS endpoint: the global one is a single point of failure and slower from elsewhere.
      clientConfig: { region: home, ...(endpoint ? { endpoint } : {}) },
    }));
    try {
      await credentials();
      return { ...(accountId ? { accountId } : {}), credentials };
    } catch (error) {
      const e = toCollectionError(error, 'AssumeRole');
      return {
        ...(accountId ? { accountId } : {}),
        credentials,
        failure: {
          ...e,
          message: `could not assume ${roleArn}: ${e.message}`,
          hint: 'check that the role exists in that account, trusts the caller (and --external-id), and allows sts:AssumeRole',
        },
      };
    }
  });
}

export async function collectLive(plan: LivePlan): Promise<RawSnapshot> {
  // AWS_* settings are read from the process environment, as the SDK itself reads them.
  const env = process.env;
  quietSdkWarnings();
  const sdk = await import('@aws-sdk/client-ec2');
  const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
  const base = fromNodeProviderChain(plan.profile ? { profile: plan.profile } : {});
  try {
    await base();
  } catch (error) {
    const detail = (error as Error).message.split('\n')[0];
    throw collectionError(
      `no usable AWS credentials (${detail})`,
      plan.profile
        ? `check profile "${plan.profile}" in ~/.aws/config, or run \`aws sso login --profile ${plan.profile}\``
        : 'set AWS_PROFILE or pass --profile, run `aws configure` or `aws sso login`, or audit saved JSON with --input',
    );
  }

  await checkRegionNames(sdk, plan, env, base);

  const clock = plan.clock ?? REAL_CLOCK;
  const policy = plan.retry ?? DEFAULT_RETRY;
  const sweep = plan.sweep ?? DEFAULT_SWEEP_BOUNDS;
  // One cap on requests in flight for the whole run, across every account and region.
  const limiter = new Limiter(plan.maxInFlight ?? 64);
  const home = await homeRegion(sdk, plan, env);
  const targets = await targetsOf(plan, base, home);
  const manyAccounts = targets.length > 1;
  const perIdKinds = plan.kinds.filter(isPerIdKind);
  // The per-id kinds are found through the security groups, so those are swept whenever they are wanted.
  const listKinds = DATA_KINDS.filter(
    (kind): kind is ListKind => !isPerIdKind(kind) && (plan.kinds.includes(kind) || (kind === 'securityGroups' && perIdKinds.length > 0)),
  );
  const warnings: string[] = [];
  const failedScope = (accountId: string | undefined, region: string, error: CollectionError): RawScope => ({
    ...(accountId ? { accountId } : {}),
    region,
    kinds: Object.fromEntries(plan.kinds.map((kind) => [kind, { status: 'error', error } satisfies RawKindResult])),
  });

  // Regions per account ("all" is what each account has enabled), then every account × region.
  const planned = await Promise.all(
    targets.map(async (target) => {
      if (target.failure) return { target, regions: plan.regions.filter((r) => r !== 'all').length > 0 ? plan.regions.filter((r) => r !== 'all') : ['all'] };
      try {
        return { target, regions: await resolveRegions(sdk, plan, home, target.credentials) };
      } catch (error) {
        if (!manyAccounts) throw error;
        const e = toCollectionError(error, 'DescribeRegions');
        return { target: { ...target, failure: { ...e, message: `could not list the account's regions: ${e.message}` } }, regions: ['all'] };
      }
    }),
  );
  const ownAccounts = new Map<Target, Promise<string | undefined>>();
  const accountIdFor = (target: Target, region: string): Promise<string | undefined> => {
    if (target.accountId) return Promise.resolve(target.accountId);
    let pending = ownAccounts.get(target);
    if (!pending) {
      pending = accountIdOf(plan, env, region, target.credentials).catch((error: unknown) => {
        const e = toCollectionError(error, 'GetCallerIdentity');
        warnings.push(`could not read the account id from STS (${e.code}: ${e.message}); using the OwnerId of the data`);
        return undefined;
      });
      ownAccounts.set(target, pending);
    }
    return pending;
  };

  const everything = planned.flatMap(({ target, regions }) => regions.map((region) => ({ target, region })));
  // With --shard, only this shard's pairs are collected, chosen once every shard can know them all.
  const { work, plan: shardPlan } = plan.shard ? await shardWork(everything, plan.shard, (target) => accountIdFor(target, home)) : { work: everything, plan: undefined };
  const label = (target: Target, region: string) => (manyAccounts ? `${target.accountId ?? '?'} ${region}` : region);
  const reachable = work.filter((w) => !w.target.failure);
  // The per-id calls are counted as their ids become known (`calls-added`).
  plan.onProgress?.({ type: 'regions', regions: reachable.map((w) => label(w.target, w.region)), calls: reachable.length * listKinds.length });

  const threads = plan.threads ?? (reachable.length > 1 ? Math.min(2, availableParallelism()) : 1);
  const second =
    threads > 1 && reachable.length > 1
      ? await CollectionThread.start(
          { kinds: plan.kinds, ...(plan.endpointUrl ? { endpointUrl: plan.endpointUrl } : {}), requestTimeoutMs: plan.requestTimeoutMs ?? 60_000, retry: policy, sweep, maxInFlight: plan.maxInFlight ?? 64 },
          plan.onProgress,
        )
      : undefined;
  const collectHere = (target: Target, region: string) =>
    collectScope(sdk, plan, {
      region,
      label: label(target, region),
      credentials: target.credentials,
      listKinds,
      retry: { policy, pace: new Pace(clock, policy), limiter, clock },
      sweep,
    });

  let dealt = 0;
  let scopes: RawScope[];
  try {
    scopes = await mapBounded(work, plan.concurrency ?? 32, async ({ target, region }): Promise<RawScope> => {
      if (target.failure) return failedScope(target.accountId, region, target.failure);
      const accountId = await accountIdFor(target, region);
      // Every other scope goes to the second thread; should it fail, the main thread does the scope.
      const there = second !== undefined && dealt++ % 2 === 1;
      const scope = there
        ? await second
            .collect({ region, label: label(target, region), credentials: (await target.credentials()) as ScopeRequest['credentials'], listKinds })
            .catch(() => collectHere(target, region))
        : await collectHere(target, region);
      return { ...(accountId ? { accountId } : {}), ...scope };
    });
  } finally {
    await second?.close();
  }

  const inputs = [
    plan.endpointUrl ? `endpoint ${plan.endpointUrl}` : 'aws',
    ...(plan.profile ? [`profile ${plan.profile}`] : []),
    ...(plan.assume ? [`role ${plan.assume.roleArn}`] : []),
  ];
  return { source: 'aws', inputs, scopes, warnings, ...(shardPlan ? { shard: shardPlan } : {}) };
}

/**
 * This shard's part of every account × region pair (src/collect/shard.ts). An account is named
 * by its id: the one its role was assumed in, else the caller's own from STS ('' when STS is not
 * asked, as with a custom endpoint alone).
 */
async function shardWork<W extends { readonly target: Target; readonly region: string }>(
  everything: readonly W[],
  shard: Pick<ShardSpec, 'index' | 'total'>,
  accountOf: (target: Target) => Promise<string | undefined>,
): Promise<{ work: W[]; plan: ShardPlan }> {
  const pairs = await Promise.all(everything.map(async (w) => ({ w, account: (await accountOf(w.target)) ?? '', region: w.region })));
  const { held, plan } = selectShard(pairs, shard);
  return { work: held.map((p) => p.w), plan };
}

/** What a collection thread is started with (src/collect/live-worker.ts): only what can be cloned. */
export interface WorkerInit {
  readonly kinds: readonly DataKind[];
  readonly endpointUrl?: string;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly sweep: SweepBounds;
  readonly maxInFlight: number;
}

/** One scope for a collection thread to collect, with credentials resolved by the main thread. */
export interface ScopeRequest {
  readonly id: number;
  readonly region: string;
  readonly label: string;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string; expiration?: Date };
  readonly listKinds: readonly ListKind[];
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly event: ProgressEvent }
  | { readonly type: 'done'; readonly id: number; readonly scope: Omit<RawScope, 'accountId'> }
  | { readonly type: 'failed'; readonly id: number; readonly message: string };

/**
 * A second collection thread, when there is a second core and more than one scope: scopes are
 * dealt to it and to the main thread in turn. If the thread cannot start or dies, its scopes
 * are collected on the main thread instead.
 */
class CollectionThread {
  private readonly pending = new Map<number, { resolve: (scope: Omit<RawScope, 'accountId'>) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private failed: Error | undefined;

  private constructor(private readonly worker: import('node:worker_threads').Worker) {}

  static async start(init: WorkerInit, onProgress: LivePlan['onProgress']): Promise<CollectionThread | undefined> {
    const { Worker } = await import('node:worker_threads');
    try {
      const thread = new CollectionThread(new Worker(new URL('./live-worker.js', import.meta.url), { workerData: init }));
      thread.worker.on('message', (message: WorkerMessage) => {
        if (message.type === 'progress') onProgress?.(message.event);
        else {
          const waiter = thread.pending.get(message.id);
          thread.pending.delete(message.id);
          if (message.type === 'done') waiter?.resolve(message.scope);
          else waiter?.reject(new Error(message.message));
        }
      });
      thread.worker.on('error', (error) => thread.fail(error));
      thread.worker.on('exit', (code) => thread.fail(new Error(`collection thread exited (${code})`)));
      return thread;
    } catch {
      return undefined;
    }
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.pending.values()) waiter.reject(error);
    this.pending.clear();
  }

  collect(request: Omit<ScopeRequest, 'id'>): Promise<Omit<RawScope, 'accountId'>> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies ScopeRequest);
    });
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

interface ScopeWork {
  readonly region: string;
  /** How progress names the scope ("eu-west-1", or "111122223333 eu-west-1" with several accounts). */
  readonly label: string;
  readonly credentials: AwsCredentials;
  readonly listKinds: readonly ListKind[];
  readonly retry: RetryContext;
  readonly sweep: SweepBounds;
}

/** Every wanted kind of one account × region. */
export async function collectScope(
  sdk: Sdk,
  plan: Pick<LivePlan, 'kinds' | 'endpointUrl' | 'requestTimeoutMs' | 'onProgress'>,
  work: ScopeWork,
): Promise<Omit<RawScope, 'accountId'>> {
  const { region, label, retry, sweep } = work;
  const client = new sdk.EC2Client({
    region,
    credentials: work.credentials as never,
    // Retries are ours (src/collect/retry.ts), per page.
    maxAttempts: 1,
    // The SDK deep-copies every response for its logger's info(), even the default no-op one;
    // a logger without info() skips that copy (about a tenth of the CPU of a large sweep).
    logger: SILENT_LOGGER as never,
    ...(plan.endpointUrl ? { endpoint: plan.endpointUrl } : {}),
    // Without throwOnRequestTimeout the SDK only logs a slow request and keeps waiting.
    requestHandler: { connectionTimeout: 5_000, requestTimeout: plan.requestTimeoutMs ?? 60_000, throwOnRequestTimeout: true },
  });
  const progress = (operation: string, pages: number, ok: boolean) =>
    plan.onProgress?.({ type: 'call-done', region: label, operation, pages, ok });

  /** One paginated call: its items, or the error as one line. `deadline`: when its kind's time is up (clock time). */
  const call = async (kind: DataKind, fetchPage: FetchPage, deadline: number): Promise<{ items: unknown[] } | { error: CollectionError }> => {
    const operation = DATA_KIND_INFO[kind].operation;
    let count = 0;
    try {
      const items = await drain(fetchPage, kind, retry, () => void count++, { maxPages: sweep.maxPages, deadline });
      progress(operation, count, true);
      return { items };
    } catch (error) {
      progress(operation, count, false);
      return { error: toCollectionError(error, operation) };
    }
  };

  const listKind = async (kind: ListKind): Promise<RawKindResult> => {
    const out = await call(kind, LIST_CALLS[kind](sdk, client), retry.clock.now() + sweep.timeoutMs);
    return 'error' in out ? { status: 'error', error: out.error } : { status: 'ok', parts: [{ items: out.items }] };
  };

  const perIdKind = async (kind: PerIdKind, groups: Promise<RawKindResult> | undefined): Promise<RawKindResult> => {
    const { operation, perItemOf } = DATA_KIND_INFO[kind];
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
    if (ids.length > 0) plan.onProgress?.({ type: 'calls-added', region: label, operation, count: ids.length });
    // The first failure fails the kind (never a partial list), so the calls not yet started are dropped.
    let failure: CollectionError | undefined;
    // One deadline for all of the kind's calls in this scope, as for a list kind's sweep.
    const deadline = retry.clock.now() + sweep.timeoutMs;
    let started = 0;
    const perId = await mapBounded(ids, PER_ID_CONCURRENCY, async (id) => {
      if (failure) return [];
      started++;
      const out = await call(kind, spec.fetch(sdk, client, id), deadline);
      if ('error' in out) {
        failure ??= { ...out.error, message: `${out.error.message} (${perItemOf} ${id})` };
        return [];
      }
      return spec.items(id, out.items);
    });
    if (started < ids.length) plan.onProgress?.({ type: 'calls-added', region: label, operation, count: started - ids.length });
    return failure ? { status: 'error', error: failure } : { status: 'ok', parts: [{ items: perId.flat() }] };
  };

  try {
    const listed = new Map(work.listKinds.map((kind) => [kind, listKind(kind)] as const));
    const results = await Promise.all(
      plan.kinds.map(async (kind): Promise<[DataKind, RawKindResult]> => [
        kind,
        await (isPerIdKind(kind) ? perIdKind(kind, listed.get('securityGroups')) : (listed.get(kind) as Promise<RawKindResult>)),
      ]),
    );
    return { region, kinds: Object.fromEntries(results) };
  } finally {
    client.destroy();
  }
}
