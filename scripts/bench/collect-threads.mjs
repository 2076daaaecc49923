#!/usr/bin/env node
// A live collection (no audit) of several regions with a given number of collection threads:
// what a second thread buys when the SDK's XML parsing is the bottleneck. Usage:
//   node scripts/bench/collect-threads.mjs <plan.json> <threads>
// where plan.json is { endpoint, profile, regions: [names] }. Prints the items collected.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [planFile, threads] = process.argv.slice(2);
if (!planFile || !threads) {
  process.stderr.write('usage: collect-threads.mjs <plan.json> <threads>\n');
  process.exit(2);
}
const plan = JSON.parse(readFileSync(planFile, 'utf8'));
const dist = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'src');
const { collectLive } = await import(pathToFileURL(join(dist, 'collect', 'live.js')).href);
const { DATA_KINDS } = await import(pathToFileURL(join(dist, 'model', 'kinds.js')).href);
const snapshot = await collectLive({ regions: plan.regions, kinds: DATA_KINDS, profile: plan.profile, endpointUrl: plan.endpoint, threads: Number(threads) });
let items = 0;
for (const scope of snapshot.scopes) {
  for (const result of Object.values(scope.kinds)) {
    if (result.status !== 'ok') {
      process.stderr.write(`${scope.region} ${result.error.operation}: ${result.error.code}\n`);
      process.exit(1);
    }
    items += result.parts.reduce((n, p) => n + p.items.length, 0);
  }
}
process.stdout.write(`${items} items\n`);
