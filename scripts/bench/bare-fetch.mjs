// Floor 2 of the benchmark: what fetching the live data costs at the very least. Makes the calls of
// a plan with the SDK's own paginators (same commands and parameters, same page sizes, same
// endpoint, same profile and credential chain as sg-audit), counts the items and drops every page.
// It keeps sg-audit's one ordering constraint: the per-id calls of a region (prefix-list entries,
// stale groups) start once that region's DescribeSecurityGroups sweep is done, since their ids come
// from the groups; otherwise every call of a region runs at once, and regions run `concurrency` at
// a time. Prints the items per operation, as JSON.
//
// Usage: node scripts/bench/bare-fetch.mjs <plan.json>
//   plan: { endpoint, profile, concurrency, perIdConcurrency,
//           regions: [{ region, list: [{ operation, resultKey, pageSize, input }],
//                       perId: [{ operation, resultKey, pageSize, param, ids, input }] }] }
import { readFileSync } from 'node:fs';

const plan = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8'));
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const sdk = await import('@aws-sdk/client-ec2');
const { fromNodeProviderChain } = await import('@aws-sdk/credential-providers');
const credentials = fromNodeProviderChain({ profile: plan.profile });

async function mapBounded(items, limit, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]);
    }
  }));
  return results;
}

const counts = {};
async function sweep(client, { operation, resultKey, pageSize, input }) {
  const paginate = sdk[`paginate${operation}`];
  if (!paginate) throw new Error(`bare-fetch: the SDK has no paginator for ${operation}`);
  let items = 0;
  for await (const page of paginate({ client, pageSize }, input ?? {})) items += (page[resultKey] ?? []).length;
  counts[operation] = (counts[operation] ?? 0) + items;
}

await mapBounded(plan.regions, plan.concurrency ?? 4, async ({ region, list, perId }) => {
  const client = new sdk.EC2Client({ region, credentials, endpoint: plan.endpoint });
  try {
    const sweeps = new Map(list.map((call) => [call.operation, sweep(client, call)]));
    const groupsDone = sweeps.get('DescribeSecurityGroups') ?? Promise.resolve();
    const followers = perId.map(async (call) => {
      await groupsDone;
      await mapBounded(call.ids, plan.perIdConcurrency ?? 4, (id) =>
        sweep(client, { ...call, input: { ...(call.input ?? {}), [call.param]: id } }));
    });
    await Promise.all([...sweeps.values(), ...followers]);
  } finally {
    client.destroy();
  }
});
process.stdout.write(`${JSON.stringify(counts)}\n`);
