// Live collection through @aws-sdk/client-ec2. The only module that loads the SDK, and only
// when a live audit runs (dynamic imports), so --help, --version and --input never pay for it.
// Read-only: Describe* calls and STS GetCallerIdentity. One paginated sweep per data kind per
// region at the largest page size; a call that fails at any page is recorded as an error for
// that region and kind, never as a shorter list.
import { collectionError, usageError } from '../errors.js';
import { DATA_KIND_INFO, type DataKind } from '../model/kinds.js';
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
  | { readonly type: 'regions'; readonly regions: readonly string[]; readonly calls: number };

const PAGE_SIZE = 1000;
const MAX_ATTEMPTS = 6;

type Sdk = typeof import('@aws-sdk/client-ec2');
type Ec2Client = InstanceType<Sdk['EC2Client']>;

/** The SDK on Node 20 prints a support-window warning on first use; it does not help our users. */
function quietSdkWarnings(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}

const HINTS: Readonly<Record<string, string>> = {
  UnauthorizedOperation: 'grant the read-only actions in the README\'s IAM policy to this identity',
  AccessDenied: 'grant the read-only actions in the README\'s IAM policy to this identity',
  AuthFailure: 'the credentials are not valid here, or the region is not enabled for the account',
  InvalidClientTokenId: 'the access key does not exist, or the region is not enabled for the account',
  RequestExpired: 'refresh the credentials (aws sso login) or fix the system clock',
  ExpiredToken: 'refresh the credentials (aws sso login) and run again',
  OptInRequired: 'the account is not subscribed to EC2 in this region',
  RequestLimitExceeded: 'EC2 kept throttling; run again later or audit fewer regions at once',
  TimeoutError: 'the endpoint did not answer in time; check the network or --endpoint-url',
  ECONNREFUSED: 'nothing answered at the endpoint; check --endpoint-url and the network',
  ENOTFOUND: 'the endpoint host name does not resolve; check --region, --endpoint-url and DNS',
  MalformedResponse: 'the endpoint answered with something that is not an EC2 response; check --endpoint-url or a proxy',
};

export function hintFor(code: string): string | undefined {
  return HINTS[code];
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
  const hint = hintFor(code);
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

/** Pages through one data kind; returns every item of every page, or throws (a partial list is never returned). */
async function sweep(sdk: Sdk, client: Ec2Client, kind: DataKind, onPage: () => void): Promise<unknown[]> {
  const config = { client, pageSize: PAGE_SIZE };
  const { operation, resultKey } = DATA_KIND_INFO[kind];
  // Interfaces and instances of AWS-managed resources can be hidden by an account setting; an auditor must see them.
  const pages: AsyncIterable<object> =
    kind === 'securityGroups'
      ? sdk.paginateDescribeSecurityGroups(config, {})
      : kind === 'networkInterfaces'
        ? sdk.paginateDescribeNetworkInterfaces(config, { IncludeManagedResources: true })
        : kind === 'instances'
          ? sdk.paginateDescribeInstances(config, { IncludeManagedResources: true })
          : sdk.paginateDescribeVpcs(config, {});
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
  plan.onProgress?.({ type: 'regions', regions, calls: regions.length * plan.kinds.length });
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
    try {
      const results = await Promise.all(
        plan.kinds.map(async (kind): Promise<[DataKind, RawKindResult]> => {
          const operation = DATA_KIND_INFO[kind].operation;
          let pages = 0;
          try {
            const items = await sweep(sdk, client, kind, () => void pages++);
            plan.onProgress?.({ type: 'call-done', region, operation, pages, ok: true });
            return [kind, { status: 'ok', parts: [{ items }] }];
          } catch (error) {
            plan.onProgress?.({ type: 'call-done', region, operation, pages, ok: false });
            return [kind, { status: 'error', error: toCollectionError(error, operation) }];
          }
        }),
      );
      return { ...(accountId ? { accountId } : {}), region, kinds: Object.fromEntries(results) };
    } finally {
      client.destroy();
    }
  });

  const inputs = [plan.endpointUrl ? `endpoint ${plan.endpointUrl}` : 'aws', ...(plan.profile ? [`profile ${plan.profile}`] : [])];
  return { source: 'aws', inputs, scopes, warnings };
}
