#!/usr/bin/env node
// sg-audit's benchmark: `npm run bench` (it compiles everything to dist/ first, the fake EC2
// endpoint included). A script, not a test: it prints a Markdown table and, on a full run, writes
// docs/performance.md. It contacts nothing but 127.0.0.1: every process it measures is preloaded
// with scripts/bench/probe.mjs, which refuses any other connection.
//
// For synthetic accounts of 1k, 10k and 50k security groups (scripts/bench/synth.mjs: 5 interfaces
// and ~2.5 instances per group, and every other kind the catalog reads) it measures, as the median
// of several runs, wall time, CPU (user + system) and peak resident memory of:
//   - an offline audit: sg-audit --input <dir> --format json, against floor 1, a bare JSON.parse
//     of the same files (scripts/bench/bare-parse.mjs);
//   - a live audit over the fake EC2 endpoint with a fixed latency added to every request, against
//     floor 2, a bare SDK pagination of the same calls (scripts/bench/bare-fetch.mjs), counting
//     the requests the endpoint served against the fewest pages those calls can take;
// then 17 small regions at 100 ms against one, and whether `--version` and an offline audit load
// the AWS SDK (test/fixtures/trace-sdk-loads.mjs).
//
// Options (after `npm run bench --`):
//   --sizes 1000,10000      group counts (default 1000,10000,50000)
//   --quick                 1000 and 10000 only, fewer runs, for iteration (~2 minutes)
//   --runs N                runs of every measurement (default: see RUNS below)
//   --latency MS            per-request latency of the live size runs (default 20)
//   --region-latency MS     per-request latency of the 17-region comparison (default 100)
//   --region-groups N       groups in each of the 17 regions (default 50)
//   --out FILE              write the report there (default: docs/performance.md on a full run,
//                           none on a partial one)
//   --keep                  keep the temporary directory (inputs, reports)
//   --skip offline,live,regions,sdk   leave phases out
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { countsOf, synthAccount, toFixture, writeCliDir } from './bench/synth.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(REPO, 'bin', 'sg-audit.js');
const PROBE = pathToFileURL(join(REPO, 'scripts', 'bench', 'probe.mjs')).href;
const TRACE = pathToFileURL(join(REPO, 'test', 'fixtures', 'trace-sdk-loads.mjs')).href;
const FAKE = join(REPO, 'dist', 'test', 'helpers', 'fake-ec2.js');
const RULES_INDEX = join(REPO, 'dist', 'rules', 'index.js');
const KINDS = join(REPO, 'dist', 'src', 'model', 'kinds.js');

const ACCOUNT_ID = '123456789012';
const KEY = 'AKIDBENCHFAKE0000001';
const SECRET = 'bench-fake-secret-not-a-real-key';
const SEED = 1;
/** Lists longer than this are saved in parts by VPC (see synth.mjs writeListFile). */
const MAX_FILE_BYTES = 400 * 2 ** 20;
/** One run of anything that takes longer is stopped and counted as failed. */
const RUN_TIMEOUT_MS = 10 * 60_000;
/** The threads scenario: this many regions of this many groups (large enough to be CPU-bound). */
const THREAD_REGIONS = 4;
const THREAD_GROUPS = 2500;
const SEVENTEEN = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1',
  'eu-north-1', 'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2', 'sa-east-1',
];

// ---------------------------------------------------------------------------------------------
// Options.

const { values: opts } = parseArgs({
  options: {
    sizes: { type: 'string' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    latency: { type: 'string', default: '20' },
    'region-latency': { type: 'string', default: '100' },
    'region-groups': { type: 'string', default: '50' },
    out: { type: 'string' },
    keep: { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
  },
});
const DEFAULT_SIZES = [1000, 10000, 50000];
const sizes = opts.sizes ? opts.sizes.split(',').map((s) => Number(s.trim())) : opts.quick ? [1000, 10000] : DEFAULT_SIZES;
if (sizes.some((n) => !Number.isInteger(n) || n < 10)) fail(`--sizes takes group counts of at least 10, e.g. --sizes 1000,10000 (got ${opts.sizes})`);
/**
 * Runs per measurement, as [offline, live]. A live run of a large account costs minutes (the SDK
 * parses every page's XML), so the full run takes fewer of those to stay near ten minutes.
 */
const RUNS = { full: { 1000: [5, 5], 10000: [5, 3], 50000: [3, 1] }, quick: { 1000: [3, 3], 10000: [1, 1] } };
const runsFor = (size) => {
  if (opts.runs) return [Number(opts.runs), Number(opts.runs)];
  const table = opts.quick ? RUNS.quick : RUNS.full;
  return table[size] ?? (size <= 1000 ? [5, 5] : size <= 10000 ? [5, 3] : [3, 1]);
};
const smallRuns = opts.runs ? Number(opts.runs) : opts.quick ? 3 : 5;
const latency = Number(opts.latency);
const regionLatency = Number(opts['region-latency']);
const REGION_GROUPS = Number(opts['region-groups']);
if (!Number.isInteger(REGION_GROUPS) || REGION_GROUPS < 2) fail(`--region-groups takes a group count of at least 2 (got ${opts['region-groups']})`);
const skip = new Set(opts.skip.split(',').filter(Boolean));
const fullRun = !opts.sizes && !opts.quick && !opts.runs && skip.size === 0 && REGION_GROUPS === 50;
const outFile = opts.out ? resolve(opts.out) : fullRun ? join(REPO, 'docs', 'performance.md') : undefined;
const command = ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' ');

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
const log = (message) => process.stderr.write(`${message}\n`);

for (const file of [FAKE, join(REPO, 'dist', 'src', 'cli', 'main.js'), RULES_INDEX, KINDS]) {
  if (!existsSync(file)) fail(`${relative(REPO, file)} is missing: run \`npm run bench\` (it compiles with tsc -p tsconfig.json first)`);
}
const { startFakeEc2, WIRE_SHAPES } = await import(pathToFileURL(FAKE).href);

// ---------------------------------------------------------------------------------------------
// Measuring one process.

const tmp = mkdtempSync(join(os.tmpdir(), 'sg-audit-bench-'));
const home = join(tmp, 'home');
mkdirSync(join(home, '.aws'), { recursive: true });
writeFileSync(join(home, '.aws', 'credentials'), `[fake]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n`);
writeFileSync(join(home, '.aws', 'config'), '[profile fake]\n');
/** Nothing from the caller's environment but PATH: no AWS_* variables, no NODE_OPTIONS; IMDS off. */
const CHILD_ENV = {
  PATH: process.env['PATH'] ?? '/usr/bin:/bin',
  HOME: home,
  NO_COLOR: '1',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
};
const blocked = [];
let probeCount = 0;

/**
 * Runs `node <args>` with the probe preloaded; resolves to { ok, code, wall, cpu, peakMb, stdout,
 * stderr }. Wall time is measured here, from spawn to exit (Node's start-up included); CPU and
 * peak RSS are the child's own, reported by the probe at exit.
 */
function measure(args, { env = {}, okCodes = [0], nodeArgs = ['--import', PROBE], probe = true } = {}) {
  const probeFile = join(tmp, `probe-${++probeCount}.json`);
  return new Promise((resolvePromise) => {
    const start = process.hrtime.bigint();
    let wall;
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      cwd: REPO,
      env: { ...CHILD_ENV, ...env, ...(probe ? { SG_BENCH_PROBE_FILE: probeFile } : {}) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { if (stdout.length < 1 << 16) stdout += d; });
    child.stderr.on('data', (d) => { if (stderr.length < 1 << 16) stderr += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', () => { wall = Number(process.hrtime.bigint() - start) / 1e9; });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let usage;
      try {
        usage = JSON.parse(readFileSync(probeFile, 'utf8'));
      } catch {
        usage = undefined;
      }
      if (existsSync(`${probeFile}.blocked`)) blocked.push(...readFileSync(`${probeFile}.blocked`, 'utf8').split('\n').filter(Boolean));
      const ok = code !== null && okCodes.includes(code) && (!probe || usage !== undefined);
      resolvePromise({
        ok, code, signal, wall, stdout, stderr,
        cpu: usage ? (usage.userUs + usage.systemUs) / 1e6 : NaN,
        peakMb: usage ? usage.maxRssKb / 1024 : NaN,
        why: ok ? '' : failureReason(code, signal, stderr),
      });
    });
  });
}

function failureReason(code, signal, stderr) {
  if (/heap out of memory|Allocation failed/i.test(stderr)) return 'out of memory (JavaScript heap)';
  if (/Cannot create a string longer|ERR_STRING_TOO_LONG/i.test(stderr)) return 'an input file is larger than one JavaScript string can hold';
  if (signal) return `killed by ${signal}${signal === 'SIGKILL' ? ' (timeout?)' : ''}`;
  const line = stderr.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('at '));
  return `exit ${code}${line ? `: ${line.slice(0, 160)}` : ''}`;
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Runs each named job `runs` times, interleaved (a, b, a, b, …) so that drift in the machine's
 * load falls on both alike. A job that fails is not run again. Returns per job { runs: [...],
 * wall, cpu, peakMb (medians), failed }.
 */
async function series(label, runs, jobs) {
  const results = Object.fromEntries(Object.keys(jobs).map((name) => [name, { runs: [], failed: undefined }]));
  for (let i = 0; i < runs; i++) {
    for (const [name, job] of Object.entries(jobs)) {
      const r = results[name];
      if (r.failed) continue;
      const m = await job(i);
      r.runs.push(m);
      if (!m.ok) r.failed = m.why;
      log(`  ${label} ${name} ${i + 1}/${runs}: ${m.ok ? `${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, ${Math.round(m.peakMb)} MB` : `FAILED (${m.why})`}${m.note ? `, ${m.note}` : ''}`);
    }
  }
  for (const r of Object.values(results)) {
    const good = r.runs.filter((m) => m.ok);
    Object.assign(r, { wall: median(good.map((m) => m.wall)), cpu: median(good.map((m) => m.cpu)), peakMb: median(good.map((m) => m.peakMb)) });
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// The calls a live audit needs, and the fewest pages they take.

/** Per list kind: operation, result key, the API's largest MaxResults, fixed input, fixture list. */
const LIST_CALLS = {
  securityGroups: ['DescribeSecurityGroups', 'SecurityGroups', 1000, {}, 'securityGroups'],
  networkInterfaces: ['DescribeNetworkInterfaces', 'NetworkInterfaces', 1000, { IncludeManagedResources: true }, 'networkInterfaces'],
  instances: ['DescribeInstances', 'Reservations', 1000, { IncludeManagedResources: true }, 'reservations'],
  vpcs: ['DescribeVpcs', 'Vpcs', 1000, {}, 'vpcs'],
  subnets: ['DescribeSubnets', 'Subnets', 1000, {}, 'subnets'],
  networkAcls: ['DescribeNetworkAcls', 'NetworkAcls', 1000, {}, 'networkAcls'],
  flowLogs: ['DescribeFlowLogs', 'FlowLogs', 1000, {}, 'flowLogs'],
  securityGroupRules: ['DescribeSecurityGroupRules', 'SecurityGroupRules', 1000, {}, 'securityGroupRules'],
  prefixLists: ['DescribeManagedPrefixLists', 'PrefixLists', 100, {}, 'managedPrefixLists'],
  routeTables: ['DescribeRouteTables', 'RouteTables', 100, {}, 'routeTables'],
  internetGateways: ['DescribeInternetGateways', 'InternetGateways', 1000, {}, 'internetGateways'],
  egressOnlyInternetGateways: ['DescribeEgressOnlyInternetGateways', 'EgressOnlyInternetGateways', 255, {}, 'egressOnlyInternetGateways'],
};
/** Per per-id kind: operation, result key, largest MaxResults, the id parameter. */
const PER_ID_CALLS = {
  prefixListEntries: ['GetManagedPrefixListEntries', 'Entries', 100, 'PrefixListId'],
  staleSecurityGroups: ['DescribeStaleSecurityGroups', 'StaleSecurityGroupSet', 255, 'VpcId'],
};

/** The data kinds the registered catalog reads (every rule runs by default). */
async function catalogKinds() {
  const { RULES } = await import(pathToFileURL(RULES_INDEX).href);
  const scopeKind = { 'security-group': 'securityGroups', 'network-acl': 'networkAcls', vpc: 'vpcs', 'network-interface': 'networkInterfaces' };
  const kinds = new Set(['securityGroups']);
  for (const rule of RULES) {
    for (const kind of [scopeKind[rule.meta.scope], ...(rule.meta.requires ?? []), ...(rule.meta.uses ?? [])]) if (kind) kinds.add(kind);
  }
  // The page sizes above are the API's; sg-audit's table of them should agree.
  const { DATA_KIND_INFO } = await import(pathToFileURL(KINDS).href);
  for (const [kind, [operation, , pageSize]] of [...Object.entries(LIST_CALLS), ...Object.entries(PER_ID_CALLS)]) {
    const info = DATA_KIND_INFO[kind];
    if (info && (info.operation !== operation || info.pageSize !== pageSize)) {
      log(`bench: note: src/model/kinds.ts gives ${kind} ${info.operation} page size ${info.pageSize}; the API's largest is ${pageSize}`);
    }
  }
  return kinds;
}

const permsOf = (g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])];

/** VPCs with a group that references a group not of the same VPC: the only places a stale rule can be. */
function staleCandidateVpcs(groups) {
  const vpcOf = new Map(groups.map((g) => [g.GroupId, g.VpcId]));
  const vpcs = new Set();
  for (const g of groups) {
    if (!g.VpcId || vpcs.has(g.VpcId)) continue;
    if (permsOf(g).some((p) => (p.UserIdGroupPairs ?? []).some((pair) => typeof pair.GroupId !== 'string' || vpcOf.get(pair.GroupId) !== g.VpcId))) vpcs.add(g.VpcId);
  }
  return [...vpcs].sort();
}

/**
 * The calls of one region (what bare-fetch makes) and the fewest requests they take: each call
 * needs ceil(items / largest page) pages, at least one. Items are what the fake pages over (for
 * DescribeInstances, reservations).
 */
function regionPlan(region, fixture, kinds) {
  const list = [];
  const perId = [];
  const minimum = {};
  const add = (operation, items, pageSize) => { minimum[operation] = (minimum[operation] ?? 0) + Math.max(1, Math.ceil(items / pageSize)); };
  for (const [kind, [operation, resultKey, pageSize, input, prop]] of Object.entries(LIST_CALLS)) {
    const needed = kinds.has(kind) || (kind === 'securityGroups' && (kinds.has('prefixListEntries') || kinds.has('staleSecurityGroups')));
    if (!needed) continue;
    list.push({ operation, resultKey, pageSize, input });
    add(operation, (fixture[prop] ?? []).length, pageSize);
  }
  const groups = fixture.securityGroups ?? [];
  if (kinds.has('prefixListEntries')) {
    const [operation, resultKey, pageSize, param] = PER_ID_CALLS.prefixListEntries;
    const ids = [...new Set(groups.flatMap((g) => permsOf(g).flatMap((p) => (p.PrefixListIds ?? []).map((r) => r.PrefixListId))))].filter(Boolean).sort();
    perId.push({ operation, resultKey, pageSize, param, ids });
    for (const id of ids) add(operation, (fixture.prefixListEntries?.[id] ?? []).length, pageSize);
  }
  if (kinds.has('staleSecurityGroups')) {
    const [operation, resultKey, pageSize, param] = PER_ID_CALLS.staleSecurityGroups;
    const ids = staleCandidateVpcs(groups);
    perId.push({ operation, resultKey, pageSize, param, ids });
    for (const id of ids) add(operation, (fixture.staleSecurityGroups ?? []).filter((s) => s.VpcId === id).length, pageSize);
  }
  return { region, list, perId, minimum };
}

const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
const byAction = (requests) => {
  const counts = {};
  for (const r of requests) counts[r.action] = (counts[r.action] ?? 0) + 1;
  return counts;
};

/** How the requests sg-audit made differ from the plan's minimum, per operation ('' when equal). */
function requestDiff(made, minimum) {
  const ops = [...new Set([...Object.keys(made), ...Object.keys(minimum)])].sort();
  return ops.filter((op) => (made[op] ?? 0) !== (minimum[op] ?? 0)).map((op) => `${op} ${made[op] ?? 0}/${minimum[op] ?? 0}`).join(', ');
}

// ---------------------------------------------------------------------------------------------
// Phases.

const results = { sizes: [], regions: undefined, sdk: undefined, notes: [] };
/** Members of the offline files the fake endpoint does not serve (its wire table lacks them). */
let droppedMembers = [];
const started = new Date();
const loadStart = os.loadavg();
const sizeLabel = (n) => (n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

async function benchSize(size, kinds) {
  const label = `[${sizeLabel(size)}]`;
  const [offlineRuns, liveRuns] = runsFor(size);
  const entry = { size, offlineRuns, liveRuns };
  results.sizes.push(entry);
  const dir = join(tmp, `account-${size}`);

  log(`${label} generating ${size} groups`);
  let t = Date.now();
  let account = synthAccount({ groups: size, seed: SEED });
  entry.counts = countsOf(account);
  const written = writeCliDir(dir, account, { maxFileBytes: MAX_FILE_BYTES });
  entry.inputBytes = written.bytes;
  entry.inputFiles = written.files.length;
  entry.splitFiles = written.files.filter((f) => /\.part-\d+\.json$/.test(f.name)).map((f) => f.name);
  log(`${label} wrote ${written.files.length} files, ${(written.bytes / 2 ** 20).toFixed(0)} MiB, in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  let offlineReport;
  if (!skip.has('offline')) {
    const report = join(tmp, `offline-${size}.json`);
    entry.offline = await series(label, offlineRuns, {
      audit: () => measure([BIN, '--input', dir, '--format', 'json', '--output', report, '--quiet', '--no-config'], { okCodes: [0, 1] }),
      parse: () => measure([join(REPO, 'scripts', 'bench', 'bare-parse.mjs'), dir]),
    });
    if (existsSync(report)) offlineReport = report;
  }

  if (!skip.has('live')) {
    log(`${label} live: building the fake endpoint's fixture (${latency} ms a request)`);
    t = Date.now();
    // The files are written: the account is stripped in place to what the fake serves.
    const { fixture, dropped } = toFixture(account, WIRE_SHAPES);
    account = undefined;
    droppedMembers = [...new Set([...droppedMembers, ...Object.keys(dropped)])].sort();
    const plan = regionPlan('us-east-1', fixture, kinds);
    entry.minimum = plan.minimum;
    const fake = await startFakeEc2({
      accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions: { 'us-east-1': fixture } }],
      fault: () => (latency > 0 ? { kind: 'delay', ms: latency } : undefined),
    });
    log(`${label} live: fake endpoint up at ${fake.url} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const planFile = join(tmp, `plan-${size}.json`);
    writeFileSync(planFile, JSON.stringify({ endpoint: fake.url, profile: 'fake', concurrency: 4, perIdConcurrency: 4, regions: [plan] }));
    const report = join(tmp, `live-${size}.json`);
    const made = [];
    try {
      entry.live = await series(label, liveRuns, {
        audit: async () => {
          fake.requests.length = 0;
          const m = await measure([BIN, '--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1',
            '--format', 'json', '--output', report, '--quiet', '--no-config'], { okCodes: [0, 1] });
          const counts = byAction(fake.requests);
          made.push(counts);
          m.requests = sum(counts);
          m.note = `${m.requests} requests`;
          return m;
        },
        fetch: () => bareFetch(fake, planFile),
      });
      if (fake.violations.length) results.notes.push(`${label} the fake endpoint recorded: ${fake.violations.slice(0, 5).join('; ')}`);
    } finally {
      await fake.close();
    }
    entry.requestsMade = made;
    entry.live.audit.requests = median(entry.live.audit.runs.filter((m) => m.ok).map((m) => m.requests));
    entry.live.fetch.requests = median(entry.live.fetch.runs.filter((m) => m.ok).map((m) => m.requests));
    entry.requestsAlwaysMinimum = made.length > 0 && made.every((c) => requestDiff(c, plan.minimum) === '');
    entry.requestDiff = made.map((c) => requestDiff(c, plan.minimum)).find(Boolean) ?? '';
    // The live report should hold what the offline one does (the fake serves the same account).
    if (offlineReport && existsSync(report)) entry.sameFindings = sameFindings(offlineReport, report);
    if (existsSync(report)) {
      const errors = JSON.parse(readFileSync(report, 'utf8')).errors ?? [];
      if (errors.length) results.notes.push(`${label} the live audit reported ${errors.length} collection error(s), e.g. ${JSON.stringify(errors[0]).slice(0, 200)}`);
    }
  }
  if (!opts.keep) rmSync(dir, { recursive: true, force: true });
}

/** The floor: the bare SDK pagination of a plan against the endpoint, with the requests it made. */
async function bareFetch(fake, planFile) {
  fake.requests.length = 0;
  const m = await measure([join(REPO, 'scripts', 'bench', 'bare-fetch.mjs'), planFile]);
  m.requests = fake.requests.length;
  m.note = `${m.requests} requests`;
  return m;
}

/** Whether two JSON reports hold the same findings (rule, resource id, key), or how they differ. */
function sameFindings(a, b) {
  const keys = (file) => {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    return new Set((report.findings ?? []).map((f) => `${f.ruleId} ${f.resource?.id} ${f.key}`));
  };
  const [x, y] = [keys(a), keys(b)];
  const onlyA = [...x].filter((k) => !y.has(k));
  const onlyB = [...y].filter((k) => !x.has(k));
  return onlyA.length === 0 && onlyB.length === 0 ? true : `${onlyA.length} only offline (e.g. ${onlyA[0] ?? '—'}), ${onlyB.length} only live (e.g. ${onlyB[0] ?? '—'})`;
}

async function benchRegions(kinds) {
  const runs = smallRuns;
  const label = '[17 regions]';
  log(`${label} ${SEVENTEEN.length} regions of ${REGION_GROUPS} groups, ${regionLatency} ms a request`);
  const regions = {};
  const minimum = {};
  const plans = [];
  SEVENTEEN.forEach((region, i) => {
    const { fixture } = toFixture(synthAccount({ groups: REGION_GROUPS, seed: 100 + i, region }), WIRE_SHAPES);
    regions[region] = fixture;
    const plan = regionPlan(region, fixture, kinds);
    plans.push(plan);
    for (const [op, n] of Object.entries(plan.minimum)) minimum[op] = (minimum[op] ?? 0) + n;
  });
  const fake = await startFakeEc2({
    accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions }],
    fault: () => (regionLatency > 0 ? { kind: 'delay', ms: regionLatency } : undefined),
  });
  // The floor: the same calls with the bare SDK, every region at once (what no collector can beat).
  const planFile = join(tmp, 'plan-regions.json');
  writeFileSync(planFile, JSON.stringify({ endpoint: fake.url, profile: 'fake', concurrency: SEVENTEEN.length, perIdConcurrency: 4, regions: plans }));
  const audit = (names) => async () => {
    fake.requests.length = 0;
    const m = await measure([BIN, '--profile', 'fake', '--endpoint-url', fake.url, ...names.flatMap((r) => ['--region', r]),
      '--format', 'json', '--output', join(tmp, `regions-${names.length}.json`), '--quiet', '--no-config'], { okCodes: [0, 1] });
    m.requests = fake.requests.length;
    m.counts = byAction(fake.requests);
    m.note = `${m.requests} requests`;
    return m;
  };
  try {
    const r = await series(label, runs, {
      seventeen: audit(SEVENTEEN),
      one: audit(['us-east-1']),
      fetch: () => bareFetch(fake, planFile),
    });
    r.fetch.requests = median(r.fetch.runs.filter((m) => m.ok).map((m) => m.requests));
    r.seventeen.requests = median(r.seventeen.runs.filter((m) => m.ok).map((m) => m.requests));
    r.seventeen.minimum = sum(minimum);
    r.seventeen.diff = r.seventeen.runs.filter((m) => m.ok).map((m) => requestDiff(m.counts, minimum)).find(Boolean) ?? '';
    r.seventeen.alwaysMinimum = r.seventeen.runs.some((m) => m.ok) && r.seventeen.runs.filter((m) => m.ok).every((m) => requestDiff(m.counts, minimum) === '');
    const oneMin = regionPlan('us-east-1', regions['us-east-1'], kinds).minimum;
    r.one.requests = median(r.one.runs.filter((m) => m.ok).map((m) => m.requests));
    r.one.minimum = sum(oneMin);
    results.regions = r;
    // While the endpoint is up: the control for the SDK-load check (a live audit must show loads).
    if (!skip.has('sdk')) results.sdkControl = await traceSdk([BIN, '--profile', 'fake', '--endpoint-url', fake.url, '--region', 'us-east-1',
      '--format', 'json', '--output', join(tmp, 'trace-live.json'), '--quiet', '--no-config'], [0, 1]);
  } finally {
    await fake.close();
  }
}

/**
 * Several large regions with no latency and the endpoint's pages cached (so its own CPU stays
 * out of the way): the collection is bound by the SDK's XML parsing, and a second collection
 * thread should show. Collection only, one thread against two.
 */
async function benchThreads() {
  const label = '[threads]';
  const names = SEVENTEEN.slice(0, THREAD_REGIONS);
  log(`${label} ${names.length} regions of ${THREAD_GROUPS} groups, no latency, cached pages`);
  const regions = Object.fromEntries(names.map((region, i) => [region, toFixture(synthAccount({ groups: THREAD_GROUPS, seed: 200 + i, region }), WIRE_SHAPES).fixture]));
  const fake = await startFakeEc2({ accounts: [{ accountId: ACCOUNT_ID, accessKeyId: KEY, secretAccessKey: SECRET, regions }], cacheResponses: true });
  const planFile = join(tmp, 'plan-threads.json');
  writeFileSync(planFile, JSON.stringify({ endpoint: fake.url, profile: 'fake', regions: names }));
  const collect = (threads) => () => measure([join(REPO, 'scripts', 'bench', 'collect-threads.mjs'), planFile, String(threads)]);
  try {
    await collect(1)(); // fills the endpoint's page cache
    results.threads = await series(label, opts.runs ? Number(opts.runs) : opts.quick ? 1 : 3, { one: collect(1), two: collect(2) });
  } finally {
    await fake.close();
  }
}

/** Runs sg-audit under the SDK-load trace; resolves to { ok, loads } (the @aws-sdk modules resolved). */
async function traceSdk(args, okCodes) {
  const trace = join(tmp, `trace-${++probeCount}.txt`);
  const m = await measure(args, { env: { SG_AUDIT_TRACE_FILE: trace }, okCodes, nodeArgs: ['--import', PROBE, '--import', TRACE] });
  const loads = existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
  return { ok: m.ok, why: m.why, loads: loads.length, first: loads[0], stdout: m.stdout.trim() };
}

async function benchSdkLoads() {
  log('[sdk] does sg-audit load the AWS SDK for --version, or for an offline audit?');
  const dir = join(tmp, 'account-sdk-check');
  writeCliDir(dir, synthAccount({ groups: 200, seed: 7 }));
  const version = await traceSdk([BIN, '--version'], [0]);
  const offline = await traceSdk([BIN, '--input', dir, '--format', 'json', '--output', join(tmp, 'trace-offline.json'), '--quiet', '--no-config'], [0, 1]);
  const timing = await series('[sdk]', smallRuns, { version: () => measure([BIN, '--version']) });
  results.sdk = { version, offline, versionTiming: timing.version };
}

// ---------------------------------------------------------------------------------------------
// Report.

const fmt = (x, digits = 2) => (Number.isFinite(x) ? x.toFixed(digits) : '—');
const mb = (x) => (Number.isFinite(x) ? String(Math.round(x)) : '—');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const verdict = (ok) => (ok === undefined ? '—' : ok ? 'yes' : '**no**');

function rows() {
  const out = [];
  /** what, the measured series (wall, CPU, peak, runs), then requests, against the floor, target, met. */
  const row = (groups, what, m, ...rest) => out.push(`| ${[groups, what, n(m), cell(m, fmt(m?.wall)), cell(m, fmt(m?.cpu)), cell(m, mb(m?.peakMb)), ...rest].join(' | ')} |`);
  for (const e of results.sizes) {
    const size = `${e.size.toLocaleString('en-US')}`;
    if (e.offline) {
      const { audit, parse } = e.offline;
      const r = ratio(audit.wall, parse.wall);
      const applies = e.size === 10000;
      const met = audit.failed || parse.failed ? false : applies ? r <= 3 && audit.peakMb <= 400 : undefined;
      row(size, 'offline audit (`--format json`)', audit, '—', `${fmt(r, 1)}× parse wall`,
        applies ? 'wall ≤ 3× parse, peak ≤ 400 MB' : '(stated for 10k)', applies || audit.failed ? verdict(met) : '—');
      row(size, 'floor: bare `JSON.parse` of the input', parse, '—', '—', '', '');
    }
    if (e.live) {
      const { audit, fetch } = e.live;
      const rw = ratio(audit.wall, fetch.wall);
      const rc = ratio(audit.cpu, fetch.cpu);
      const min = sum(e.minimum);
      const met = audit.failed || fetch.failed ? false : rw <= 1.2 && rc <= 1.3 && e.requestsAlwaysMinimum;
      row(size, `live audit (${latency} ms a request)`, audit, `${fmt(audit.requests, 0)} / ${min}`, `wall ${fmt(rw)}×, CPU ${fmt(rc)}×`,
        'wall ≤ 1.2×, CPU ≤ 1.3× bare fetch; requests = minimum', verdict(met));
      row(size, 'floor: bare SDK pagination', fetch, `${fmt(fetch.requests, 0)} / ${min}`, '—', '', '');
    }
  }
  if (results.regions) {
    const { seventeen, one, fetch } = results.regions;
    const r = ratio(seventeen.wall, one.wall);
    const met = seventeen.failed || one.failed ? false : r <= 1.5 && seventeen.alwaysMinimum;
    row(`17 × ${REGION_GROUPS}`, `live, 17 regions (${regionLatency} ms a request)`, seventeen, `${fmt(seventeen.requests, 0)} / ${seventeen.minimum}`,
      `${fmt(r)}× one region; wall ${fmt(ratio(seventeen.wall, fetch.wall))}×, CPU ${fmt(ratio(seventeen.cpu, fetch.cpu))}× bare fetch`,
      '≤ 1.5× one region; requests = minimum', verdict(met));
    row(`17 × ${REGION_GROUPS}`, 'floor: bare SDK pagination, 17 regions at once', fetch, `${fmt(fetch.requests, 0)} / ${seventeen.minimum}`,
      `${fmt(ratio(fetch.wall, one.wall))}× one region`, '', '');
    row(`1 × ${REGION_GROUPS}`, `live, 1 region (${regionLatency} ms a request)`, one, `${fmt(one.requests, 0)} / ${one.minimum}`, '—', '', '');
  }
  if (results.threads) {
    const { one, two } = results.threads;
    const r = ratio(two.wall, one.wall);
    row(`${THREAD_REGIONS} × ${THREAD_GROUPS.toLocaleString('en-US')}`, 'live collection, 2 threads (no latency, cached pages)', two, '—',
      `${fmt(r)}× one thread's wall, ${fmt(ratio(two.cpu, one.cpu))}× its CPU`, 'faster than one thread (use both cores)', verdict(two.failed || one.failed ? false : r < 1));
    row(`${THREAD_REGIONS} × ${THREAD_GROUPS.toLocaleString('en-US')}`, 'live collection, 1 thread', one, '—', '—', '', '');
  }
  if (results.sdk) {
    const { version, offline, versionTiming } = results.sdk;
    const loaded = (t) => (!t.ok ? `run failed: ${t.why}` : t.loads ? `**loads it** (${t.loads} modules)` : 'does not load the SDK');
    row('—', '`sg-audit --version`', versionTiming, '—', loaded(version), 'never loads the AWS SDK', verdict(version.ok && version.loads === 0));
    row('—', 'offline audit (200 groups), traced', undefined, '—', loaded(offline), 'never loads the AWS SDK', verdict(offline.ok && offline.loads === 0));
  }
  return out;
}

/** The runs that make a median. */
const n = (m) => (m ? String(m.runs.filter((r) => r.ok).length) : '—');
/** The commit measured, and whether the source differed from it. */
function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const commit = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--untracked-files=no', '--', 'src', 'rules', 'bin').split('\n').filter(Boolean).length;
    return `commit ${commit}${dirty ? ` with uncommitted changes to ${dirty} file(s) of src/, rules/ or bin/` : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

const cell = (m, text) => (!m ? '—' : m.failed && !m.runs.some((r) => r.ok) ? `failed: ${m.failed}` : text);

function markdown() {
  const cpus = os.cpus();
  const lines = [];
  const p = (s = '') => lines.push(s);
  p('# Performance');
  p();
  p('Measured by `npm run bench` (`scripts/bench.mjs`). Generated by that script: run it again rather than edit the figures by hand.');
  p();
  p(`- **Date:** ${started.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  p(`- **Machine:** ${cpus.length} × ${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`);
  p(`- **Node.js:** ${process.version}`);
  p(`- **Code:** ${codeVersion()}`);
  p(`- **Load average** (1 min) at start and end: ${fmt(loadStart[0])} and ${fmt(os.loadavg()[0])} (other work on the machine shows up as noise)`);
  p(`- **Command:** \`${command}\``);
  p(`- **Latency** added by the fake endpoint to every request: ${latency} ms (the account sizes), ${regionLatency} ms (the regions)`);
  p();
  p('## Results');
  p();
  p('| groups | what | runs | wall s | CPU s | peak MB | requests / minimum | against its floor | target | met? |');
  p('| ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | :---: |');
  for (const r of rows()) p(r);
  p();
  p('## What the figures mean');
  p();
  p('- **runs**: how many runs each median is of. A measurement and its floor run in turn (audit, floor, audit, floor, …) so that changes in the machine\'s load fall on both. A live run of a large account takes minutes, so the full benchmark makes 5, 5 and 3 offline runs and 5, 3 and 1 live runs at 1k, 10k and 50k groups, to finish in about ten minutes; `--runs N` asks for N of everything.');
  p('- **wall s**: elapsed time of the whole process, from spawn to exit, Node.js start-up included; the median of the runs.');
  p('- **CPU s**: user + system CPU time of that process alone (its own `process.resourceUsage()` at exit, through a preloaded probe). For a live audit, the fake endpoint runs in the benchmark process and its CPU is not counted.');
  p('- **peak MB**: the process\'s peak resident set size (`maxRSS`), in MiB.');
  p('- **Floor 1, bare `JSON.parse`**: a process that reads and parses every input file and keeps them all, and nothing else: what any offline audit of these files must at least cost.');
  p('- **Floor 2, bare SDK pagination**: a process that makes the same calls with the SDK\'s paginators (same commands, page sizes, endpoint and credentials; per-id calls after the groups, as sg-audit must) and drops every page: what any live audit through the SDK must at least cost.');
  p('- **requests / minimum**: the requests the fake endpoint served during one audit (median of the runs) against the fewest pages the needed calls can take: for each call (every list kind the catalog reads, plus one per referenced prefix list and one per VPC that can hold a stale reference), ceil(items / the API\'s largest page), at least 1. A count above the minimum means retries, smaller pages or extra calls.');
  p('- **Live audits** talk to the fake EC2 endpoint (`test/helpers/fake-ec2.ts`: EC2 Query protocol, SigV4 checked, real pagination tokens), started by the benchmark on 127.0.0.1 with the same account as the offline files and a fixed delay before every answer (its `delay` fault). It runs in the benchmark\'s own process, on the same cores as the audit.');
  p(`- **17 regions**: the same audit of 17 small regions (${REGION_GROUPS} groups each, with their interfaces and instances) against one of them, both at ${regionLatency} ms a request: how well regions overlap. Its floor fetches all 17 regions at once with the bare SDK; its ratio to the one-region audit is the best any collector through the SDK could show here, since 17 regions hold 17 times the data to parse.`);
  p('- **SDK loads**: `sg-audit --version` and an offline audit are run with `test/fixtures/trace-sdk-loads.mjs`, which records every `@aws-sdk/*` module resolved; a live audit under the same trace is the control that the trace works.');
  p();
  p('## The accounts');
  p();
  p('Generated by `scripts/bench/synth.mjs` (seeded, so every run audits the same bytes), saved the way `aws ec2 describe-*` prints them (4-space indent).');
  p();
  p('| groups | interfaces | instances (reservations) | VPCs | subnets | NACLs | flow logs | SG rules | stale groups | input files | input MiB |');
  p('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const e of results.sizes) {
    const c = e.counts;
    p(`| ${c.securityGroups.toLocaleString('en-US')} | ${c.networkInterfaces.toLocaleString('en-US')} | ${c.instances.toLocaleString('en-US')} (${c.reservations.toLocaleString('en-US')}) | ${c.vpcs} | ${c.subnets} | ${c.networkAcls} | ${c.flowLogs} | ${c.securityGroupRules.toLocaleString('en-US')} | ${c.staleSecurityGroups} | ${e.inputFiles} | ${(e.inputBytes / 2 ** 20).toFixed(0)} |`);
  }
  const split = results.sizes.filter((e) => e.splitFiles.length);
  if (split.length) {
    p();
    p(`Lists whose text passes ${MAX_FILE_BYTES / 2 ** 20} MiB are saved in parts by VPC (as \`--filters Name=vpc-id,…\` would print them), since no JavaScript string holds more than ~512 MiB: ${split.map((e) => `${sizeLabel(e.size)}: ${e.splitFiles.join(', ')}`).join('; ')}.`);
  }
  const details = [];
  for (const e of results.sizes) {
    if (e.live && e.requestDiff) details.push(`${sizeLabel(e.size)}: requests above or below the minimum, per operation (made/minimum): ${e.requestDiff}.`);
    if (e.live && e.sameFindings !== undefined && e.sameFindings !== true) details.push(`${sizeLabel(e.size)}: the live and offline reports differ: ${e.sameFindings}.`);
    if (e.live && e.sameFindings === true) details.push(`${sizeLabel(e.size)}: the live audit found exactly what the offline audit found.`);
  }
  if (results.regions?.seventeen.diff) details.push(`17 regions: requests per operation (made/minimum): ${results.regions.seventeen.diff}.`);
  if (results.sdkControl) {
    details.push(results.sdkControl.loads > 0 ? `The trace works: a live audit under it resolved ${results.sdkControl.loads} @aws-sdk modules.`
      : `The trace control failed: a live audit under it resolved no @aws-sdk module (${results.sdkControl.ok ? 'run ok' : results.sdkControl.why}), so the SDK checks prove nothing.`);
  }
  for (const e of results.sizes) {
    if (e.size === 10000 && e.offline?.parse.peakMb > 400) {
      details.push(`10k: the bare parse alone peaks at ${mb(e.offline.parse.peakMb)} MB, above the 400 MB target: an audit that keeps the parsed files cannot meet it.`);
    }
  }
  if (droppedMembers.length) {
    details.push(`The fake endpoint serves the offline files' data less the members its wire table does not carry: ${droppedMembers.join(', ')}.`);
  }
  details.push(...results.notes);
  if (details.length) {
    p();
    p('## Notes from this run');
    p();
    for (const d of details) p(`- ${d}`);
  }
  p();
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

const t0 = Date.now();
let exitCode = 0;
try {
  const kinds = await catalogKinds();
  if (!skip.has('sdk')) await benchSdkLoads();
  for (const size of sizes) if (!skip.has('offline') || !skip.has('live')) await benchSize(size, kinds);
  if (!skip.has('regions')) await benchRegions(kinds);
  if (!skip.has('threads')) await benchThreads();
  if (blocked.length) {
    results.notes.push(`BLOCKED network access (the run is invalid): ${[...new Set(blocked)].join('; ')}`);
    exitCode = 1;
  }
  const text = markdown();
  process.stdout.write(`${text}\n`);
  if (outFile) {
    mkdirSync(dirname(outFile), { recursive: true });
    writeFileSync(outFile, text);
    log(`bench: wrote ${relative(process.cwd(), outFile) || outFile}`);
  } else {
    log('bench: partial run, no report file written (pass --out FILE to write one)');
  }
  log(`bench: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
} finally {
  if (opts.keep) log(`bench: kept ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
process.exitCode = exitCode;
