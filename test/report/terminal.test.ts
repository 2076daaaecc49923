// What a person sees in a terminal: the demo account's report, the rule list and the exposure
// inventory laid out for 80, 100 and 120 columns, with colour and without, as goldens; every line
// fits its width, and every id a user must copy is whole on one line.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import stripAnsi from 'strip-ansi';
import { main } from '../../src/cli/main.js';
import { widthOf } from '../../src/report/text-layout.js';
import { assertGolden } from '../helpers/golden.js';
import { runMain } from '../helpers/cli.js';

const WIDTHS = [80, 100, 120] as const;

/** main() with stdout a terminal of `columns` columns; colour as a terminal would have it unless NO_COLOR. */
async function inTerminal(args: readonly string[], columns: number, colour: boolean): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => void (stdout += t), isTTY: true, columns },
    stderr: { write: (t: string) => void (stderr += t) },
    env: colour ? { TERM: 'xterm' } : { NO_COLOR: '1' },
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return { code, stdout, stderr };
}

/** A line that is one shell word (a quoted JSON argument of a fix command): it cannot be broken, only soft-wrapped. */
const oneShellWord = (line: string) => /^\s*'[^']*'( \\)?$/.test(line);

function assertFits(text: string, columns: number, what: string): void {
  const lines = stripAnsi(text).split('\n');
  const over = lines.filter((line) => widthOf(line) > columns && !oneShellWord(line));
  assert.deepEqual(over, [], `${what}: lines wider than ${columns} columns`);
}

describe('the terminal report', () => {
  const demo = ['--input', 'examples/demo-account'];

  for (const columns of WIDTHS) {
    for (const colour of [false, true]) {
      test(`demo account at ${columns} columns, colour ${colour ? 'on' : 'off'}: fits, ids whole, golden`, async () => {
        const { code, stdout, stderr } = await inTerminal(demo, columns, colour);
        assert.equal(code, 1);
        assert.equal(stderr, '');
        assert.equal(/\u001b\[/.test(stdout), colour, 'colour exactly when asked');
        assertFits(stdout, columns, 'report');
        assertGolden(`table/terminal/demo-account.${columns}${colour ? '.colour' : ''}.txt`, stdout);
        // Every resource and rule id of every finding is on some line whole.
        const json = JSON.parse((await runMain([...demo, '--format', 'json'])).stdout) as { findings: { ruleId: string; resource: { id: string } }[] };
        const plain = stripAnsi(stdout);
        for (const f of json.findings) {
          assert.match(plain, new RegExp(`(^|[\\s(])${f.resource.id}([\\s):·]|$)`, 'm'), f.resource.id);
          assert.ok(plain.includes(`${f.ruleId}:`), f.ruleId);
        }
        // Every sgr- id of a fix command is whole too.
        for (const id of new Set(JSON.stringify(json).match(/sgr-[0-9a-f]{17}/g) ?? [])) {
          if (plain.includes(id.slice(0, 8))) assert.ok(plain.includes(id), id);
        }
      });
    }

    test(`rules and exposure at ${columns} columns fit, with every rule id whole`, async () => {
      const rules = await inTerminal(['rules'], columns, false);
      assertFits(rules.stdout, columns, 'rules');
      const ids = (JSON.parse((await runMain(['rules', '--format', 'json'])).stdout) as { id: string }[]).map((r) => r.id);
      for (const id of ids) assert.match(rules.stdout, new RegExp(`^${id}\\b`, 'm'), id);
      assertGolden(`table/terminal/rules.${columns}.txt`, rules.stdout);
      const exposure = await inTerminal(['exposure', ...demo], columns, false);
      assert.equal(exposure.code, 0);
      assertFits(exposure.stdout, columns, 'exposure');
      assertGolden(`exposure/terminal/demo-account.${columns}.txt`, exposure.stdout);
      const explain = await inTerminal(['explain', 'instance-exposed-to-internet'], columns, false);
      assertFits(explain.stdout, columns, 'explain');
    });
  }

  test('with a baseline: the new findings first with their fixes, the unchanged counted, at 80 columns', async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-terminal-'));
    const report = JSON.parse((await runMain([...demo, '--format', 'json'])).stdout) as { findings: { ruleId: string }[] };
    const dropped = report.findings.filter((f) => f.ruleId === 'ssh-open-to-internet').slice(0, 2);
    report.findings = report.findings.filter((f) => !dropped.includes(f));
    const baseline = join(dir, 'accepted.json');
    writeFileSync(baseline, JSON.stringify(report));
    const { code, stdout } = await inTerminal([...demo, '--baseline', baseline], 80, false);
    assert.equal(code, 1);
    assertFits(stdout, 80, 'baseline');
    assert.match(stdout, /^New since the baseline \(2\)\n/);
    assert.match(stdout, /77 unchanged findings on \d+ resources not shown \(--details lists them\)/);
    assert.equal((stdout.match(/ NEW ssh-open-to-internet:/g) ?? []).length, 2);
    assertGolden('table/terminal/demo-account.baseline.80.txt', stdout.replaceAll(baseline, 'accepted.json'));
    // --only-new hides the count of unchanged ones as well; --details lists them all.
    assert.match((await inTerminal([...demo, '--baseline', baseline, '--only-new'], 80, false)).stdout, /hidden by --only-new/);
    const details = await inTerminal([...demo, '--baseline', baseline, '--details'], 80, false);
    assertFits(details.stdout, 80, 'details');
    assert.ok(details.stdout.split('\n').length > stdout.split('\n').length * 3);
    assert.ok(readFileSync(baseline, 'utf8').length > 0, 'the baseline is left as it was');
  });

  test('--min-severity narrows the table, never the exit code or the JSON', async () => {
    const all = await inTerminal(demo, 100, false);
    const high = await inTerminal([...demo, '--min-severity', 'high'], 100, false);
    assert.equal(high.code, all.code);
    assert.doesNotMatch(high.stdout, / (MED|LOW|INFO) /);
    assert.match(high.stdout, /59 findings below high \(--min-severity\) not shown; the exit code and the\s+machine formats count them/);
    assert.match(high.stdout, /79 findings on \d+ resources/, 'the summary still counts every finding');
    const json = await runMain([...demo, '--min-severity', 'high', '--format', 'json']);
    assert.equal((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length, 79);
  });
});
