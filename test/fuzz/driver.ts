// The fuzz driver (run by test/fuzz/loaders.test.ts in a child process with a CPU-time limit):
// mutated inputs, configs, baselines and reports to merge, generated from a seed, each run
// through the CLI in-process. One JSON line per case on stdout: a "start" line before the case
// (so a hang or an abort names it) and a result line after it. Everything it writes is under the
// work directory it is given.
//
//   node dist/test/fuzz/driver.js <seed> <cases> <work-dir>
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from '../helpers/cli.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** mulberry32: a small seeded generator, the same sequence for the same seed everywhere. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const [seedText, countText, workArg] = process.argv.slice(2);
if (!seedText || !countText || !workArg) throw new Error('usage: driver.js <seed> <cases> <work-dir>');
const work: string = workArg;
const random = generator(Number(seedText));
const int = (n: number) => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
const chance = (p: number) => random() < p;

// The corpus: the demo account's saved output (one region), a snapshot, the example config, and
// a JSON report of the demo account (a baseline, a report to merge).
const DEMO_REGION = join(REPO_ROOT, 'examples', 'demo-account', 'us-east-1');
const describeFiles = readdirSync(DEMO_REGION).filter((f) => f.endsWith('.json')).map((name) => ({ name, text: readFileSync(join(DEMO_REGION, name), 'utf8') }));
const exampleConfig = readFileSync(join(REPO_ROOT, 'examples', 'sg-audit.example.yml'), 'utf8');
const groupsOf = JSON.parse(describeFiles.find((f) => f.name === 'describe-security-groups.json')?.text ?? '{}') as { SecurityGroups: Json[] };
const snapshot = JSON.stringify({
  sgAuditSnapshot: 1,
  tool: { name: 'sg-audit', version: '0.0.0' },
  collectedAt: '2026-01-01T00:00:00.000Z',
  source: 'aws',
  scopes: [
    {
      accountId: '123456789012',
      region: 'us-east-1',
      kinds: {
        securityGroups: { status: 'ok', items: groupsOf.SecurityGroups.slice(0, 6) },
        networkInterfaces: { status: 'error', error: { code: 'UnauthorizedOperation', message: 'denied', operation: 'DescribeNetworkInterfaces' } },
      },
    },
  ],
  warnings: [],
});

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u001b[2J\u001b]0;pwned\u0007',
  '\u0000',
  '\u202e\u2066evil',
  '__proto__',
  'constructor',
  '0.0.0.0/0',
  '::/0',
  '0.0.0.0/-1',
  '999.1.1.1/33',
  'sg-',
  '-1',
  '65536',
  'NaN',
  'pl-00000000',
  '../../etc/passwd',
  '=HYPERLINK("http://x")',
  '<script>alert(1)</script>',
  '😀'.repeat(3),
  '\ud800',
  'a'.repeat(70_000),
];
const HOSTILE_VALUES: Json[] = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308, [], {}, [null], { a: null }, ...HOSTILE_STRINGS];

function hugeString(): string {
  const unit = pick(['A', '\u001b[31m', 'é', '😀', '\\', '"', '<&>', '\u2028']);
  return unit.repeat(Math.ceil((50_000 + int(1_500_000)) / unit.length));
}

/** Every container node of the tree with the key to one of its children, for mutating in place. */
function slots(root: Json): { parent: Json[] | { [key: string]: Json }; key: string | number }[] {
  const found: { parent: Json[] | { [key: string]: Json }; key: string | number }[] = [];
  const stack: Json[] = [root];
  while (stack.length > 0 && found.length < 20_000) {
    const node = stack.pop() as Json;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        found.push({ parent: node, key: i });
        stack.push(child);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        found.push({ parent: node, key });
        stack.push(child);
      }
    }
  }
  return found;
}

const getAt = (slot: { parent: Json[] | { [key: string]: Json }; key: string | number }): Json =>
  Array.isArray(slot.parent) ? (slot.parent[slot.key as number] as Json) : (slot.parent[slot.key as string] as Json);
function setAt(slot: { parent: Json[] | { [key: string]: Json }; key: string | number }, value: Json): void {
  if (Array.isArray(slot.parent)) slot.parent[slot.key as number] = value;
  else slot.parent[slot.key as string] = value;
}

/** One structural mutation of a parsed document, described. */
function mutateTree(root: Json): string {
  const all = slots(root);
  if (all.length === 0) return 'no slot';
  const slot = pick(all);
  const was = getAt(slot);
  switch (int(7)) {
    case 0: {
      // A type swap: the value replaced by one of another type.
      const value = pick(HOSTILE_VALUES.filter((v) => typeof v !== typeof was || Array.isArray(v) !== Array.isArray(was)));
      setAt(slot, value);
      return `type swap at ${String(slot.key)}: ${JSON.stringify(value)?.slice(0, 40)}`;
    }
    case 1:
      setAt(slot, hugeString());
      return `huge string at ${String(slot.key)}`;
    case 2: {
      // Nesting (JSON.stringify of the driver itself stops near 4,000 levels; deeper is a text mutation).
      let value: Json = was;
      const depth = 50 + int(1_000);
      for (let i = 0; i < depth; i++) value = [value];
      setAt(slot, value);
      return `nested ${depth} deep at ${String(slot.key)}`;
    }
    case 3:
      if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
      else delete slot.parent[slot.key as string];
      return `deleted ${String(slot.key)}`;
    case 4:
      // A duplicate: the item copied, maybe changed.
      if (Array.isArray(slot.parent)) {
        const copy = JSON.parse(JSON.stringify(was)) as Json;
        if (chance(0.5)) mutateTree(copy);
        slot.parent.push(copy);
        return `duplicated item ${String(slot.key)}`;
      }
      setAt(slot, pick(HOSTILE_STRINGS));
      return `hostile string at ${String(slot.key)}`;
    case 5:
      if (!Array.isArray(slot.parent)) {
        slot.parent['__proto__'] = { polluted: true, GroupId: 'sg-proto' };
        return 'own __proto__ key';
      }
      {
        // Many copies, a megabyte or two in all whatever the size of the copied value.
        const size = JSON.stringify(was)?.length ?? 4;
        const copies = Math.max(2, Math.min(2_000 + int(30_000), Math.floor(1_500_000 / size)));
        setAt(slot, Array.from({ length: copies }, () => JSON.parse(JSON.stringify(was)) as Json));
        return `${copies} copies at ${String(slot.key)}`;
      }
    default:
      setAt(slot, typeof was === 'number' ? pick([-1, 0, 65_535, 65_536, 1e308, -0.5, 2 ** 31]) : pick(HOSTILE_STRINGS));
      return `hostile value at ${String(slot.key)}`;
  }
}

/** One mutation of a document's text, described. */
function mutateText(text: string): { text: string | Buffer; what: string } {
  switch (int(9)) {
    case 8: {
      // Deep nesting, written as text: a value nested far deeper than any JSON.stringify could write.
      const depth = 1_000 + int(200_000);
      const open = text.indexOf('{');
      const deep = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return open < 0 ? { text: deep, what: `only a value nested ${depth} deep` } : { text: `${text.slice(0, open + 1)}"deep": ${deep},${text.slice(open + 1)}`, what: `a key nested ${depth} deep` };
    }
    case 0: {
      const at = int(text.length);
      return { text: text.slice(0, at), what: `truncated at ${at} of ${text.length}` };
    }
    case 1: {
      const bytes = Buffer.from(text);
      const flips = 1 + int(8);
      for (let i = 0; i < flips; i++) bytes[int(bytes.length)] = int(256);
      return { text: bytes, what: `${flips} random bytes` };
    }
    case 2:
      return { text: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]), what: 'UTF-16LE' };
    case 3: {
      const numbers = [...text.matchAll(/-?\d+(\.\d+)?/g)];
      const m = numbers.length > 0 ? pick(numbers) : undefined;
      if (!m || m.index === undefined) return { text, what: 'unchanged' };
      const replacement = pick(['1e999', '-1e999', '1e-999', '0.0000001', '99999999999999999999999', '-0']);
      return { text: text.slice(0, m.index) + replacement + text.slice(m.index + m[0].length), what: `number ${m[0]} -> ${replacement}` };
    }
    case 4:
      return { text: '', what: 'empty' };
    case 5:
      return { text: `${text}${text}`, what: 'doubled' };
    case 6: {
      const at = int(text.length);
      const junk = pick(['\u0000', '{', '}', '[', ']', '"', ',', ':', '\\', '\n', '\ufeff', '&a [*a, *a]', '!!binary', '<<: *a']);
      return { text: text.slice(0, at) + junk + text.slice(at), what: `inserted ${JSON.stringify(junk)} at ${at}` };
    }
    default:
      return { text: `\ufeff${text}`, what: 'BOM' };
  }
}

/** A document mutated 1 to 3 times: as a tree when it parses, else (or sometimes) as text. */
function mutate(text: string, yaml: boolean): { text: string | Buffer; what: string[] } {
  const what: string[] = [];
  let current: string | Buffer = text;
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds; r++) {
    if (typeof current === 'string' && !yaml && current.length < 20_000_000 && chance(0.6)) {
      try {
        const tree = JSON.parse(current) as Json;
        const change = mutateTree(tree);
        const written = JSON.stringify(tree, null, chance(0.5) ? 2 : undefined);
        // Mutations compound: a document past 8 MB keeps its previous form (the driver's memory is bounded, not the CLI's).
        if (written.length > 8_000_000) continue;
        current = written;
        what.push(change);
        continue;
      } catch {
        // not JSON (any more), or too deep to write back: mutate the text
      }
    }
    if (typeof current !== 'string') break;
    const out = mutateText(current);
    what.push(out.what);
    current = out.text;
  }
  return { text: current, what };
}

const YAML_BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nrules: [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n';

async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
    env: { NO_COLOR: '1' },
    now: () => new Date('2026-01-02T03:04:05.000Z'),
    cwd: work,
  });
  return { code, stdout, stderr };
}

const out = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const baselineReport = (await run(['--input', join(REPO_ROOT, 'examples', 'demo-account'), '--format', 'json', '--quiet', '--no-config'])).stdout;

const count = Number(countText);
for (let i = 0; i < count; i++) {
  const dir = join(work, `case-${i}`);
  mkdirSync(join(dir, 'input'), { recursive: true });
  for (const file of describeFiles) writeFileSync(join(dir, 'input', file.name), file.text);
  const target = pick(['describe', 'describe', 'describe', 'snapshot', 'config', 'config', 'baseline', 'merge']);
  const args = ['--input', join(dir, 'input'), '--format', 'json', '--quiet'];
  let what: string[];
  if (target === 'describe') {
    const file = pick(describeFiles);
    const mutated = mutate(file.text, false);
    writeFileSync(join(dir, 'input', file.name), mutated.text);
    what = [file.name, ...mutated.what];
    args.push('--no-config');
  } else if (target === 'snapshot') {
    const mutated = mutate(snapshot, false);
    writeFileSync(join(dir, 'snapshot.json'), mutated.text);
    args.splice(0, 2, '--input', join(dir, 'snapshot.json'));
    what = ['snapshot', ...mutated.what];
    args.push('--no-config');
  } else if (target === 'config') {
    const json = chance(0.3);
    const source = chance(0.05) ? YAML_BOMB : json ? JSON.stringify({ failOn: 'high', rules: { 'unused-sg': 'off', 'too-many-open-ports': { severity: 'high', options: { maxOpenPorts: 20 } } } }) : exampleConfig;
    const mutated = mutate(source, !json);
    const name = json ? 'config.json' : 'config.yml';
    writeFileSync(join(dir, name), mutated.text);
    args.push('--config', join(dir, name));
    what = [name, ...mutated.what];
  } else {
    const mutated = mutate(baselineReport, false);
    writeFileSync(join(dir, 'report.json'), mutated.text);
    what = [target, ...mutated.what];
    if (target === 'baseline') args.push('--baseline', join(dir, 'report.json'), '--no-config');
    else args.splice(0, args.length, 'merge', join(dir, 'report.json'), '--format', 'json', '--quiet');
  }
  out({ start: i, target, what });
  const cpu = process.cpuUsage();
  const result = await run(args).catch((error: unknown) => ({ code: -1, stdout: '', stderr: `main threw: ${String(error)}` }));
  const used = process.cpuUsage(cpu);
  let report = false;
  try {
    report = typeof (JSON.parse(result.stdout) as { schemaVersion?: unknown }).schemaVersion === 'number';
  } catch {
    report = false;
  }
  out({ done: i, code: result.code, report, stdoutChars: result.stdout.length, stderr: result.stderr.slice(0, 2_000), stderrChars: result.stderr.length, cpuMs: Math.round((used.user + used.system) / 1000) });
}
