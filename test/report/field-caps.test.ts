// A huge text field never aborts a run (issue 13, case 7): a 200 MB GroupName ran V8 out of
// memory in the table (exit 134) and 50 MB took 1.7 GB. The shared sanitizing functions every
// renderer uses cap a field at MAX_FIELD_CHARS with a marker, so every format, the table
// included, stays small whatever one field holds.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FORMATS } from '../../src/report/formats.js';
import { elide, escapeJsonText, forTerminal, MAX_FIELD_CHARS, truncate } from '../../src/report/sanitize.js';
import { group, tcp } from '../helpers/builders.js';
import { runBin, runMain } from '../helpers/cli.js';

const ELIDED = /more characters elided/;

/** A saved account whose one group has a name (and description) of `size` characters. */
function hugeInput(size: number, fill = 'A'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-caps-'));
  const file = join(dir, 'describe-security-groups.json');
  const name = fill.repeat(size);
  const sg = group({ id: 'sg-0000000000000009', name: 'x', ingress: [tcp(22, '0.0.0.0/0')] });
  // The huge values are spliced into the text so the test process never holds them twice.
  const text = JSON.stringify({ SecurityGroups: [{ ...sg, GroupName: '@NAME@', Description: '@NAME@' }] });
  const [before, middle, after] = text.split('"@NAME@"') as [string, string, string];
  writeFileSync(file, `${before}"${name}"${middle}"${name}"${after}`);
  return file;
}

describe('a field of megabytes, in every format', () => {
  const input = hugeInput(5 * 1024 * 1024);
  for (const format of FORMATS) {
    test(`${format}: the report is written, small, with the field cut and marked`, async () => {
      const { code, stdout, stderr } = await runMain(['--input', input, '--region', 'us-east-1', '--format', format, '--quiet']);
      assert.equal(code, 1, stderr);
      assert.equal(stderr, '');
      assert.ok(stdout.length < 200_000, `${stdout.length} characters`);
      if (format === 'json' || format === 'sarif') JSON.parse(stdout);
      // The table and Markdown cut a name to their column; every other format shows the cap's marker.
      if (format === 'table' || format === 'markdown') assert.match(stdout, /AAAA…/);
      else assert.match(stdout, ELIDED, format);
    });
  }

  // A renderer that spread a 64 MB text into an array of characters would need more than 600 MB for
  // it alone: each format is run in such a heap (the Markdown renderer did, until its shortening
  // looked at the start of a text only).
  const big = hugeInput(64 * 1024 * 1024);
  for (const format of FORMATS.filter((f) => f !== 'table')) {
    test(`${format}: a 64 MB GroupName and Description within a 600 MB heap`, async () => {
      const { code, stdout, stderr } = await runBin(['--input', big, '--region', 'us-east-1', '--format', format, '--quiet'], { NODE_OPTIONS: '--max-old-space-size=600' });
      assert.equal(code, 1, stderr.slice(0, 500));
      assert.ok(stdout.length < 200_000, `${stdout.length} characters`);
    });
  }

  test('a 200 MB GroupName in the table: exit 1 and a small report, within a 1 GB heap', async () => {
    const file = hugeInput(200 * 1024 * 1024);
    const { code, stdout, stderr } = await runBin(['--input', file, '--region', 'us-east-1', '--format', 'table', '--quiet'], { NODE_OPTIONS: '--max-old-space-size=1024' });
    assert.equal(code, 1, stderr.slice(0, 500));
    assert.ok(stdout.length < 50_000, `${stdout.length} characters`);
    assert.match(stdout, /ssh-open-to-internet/);
  });
});

describe('the cap', () => {
  test('elide keeps MAX_FIELD_CHARS characters and says how many more there were', () => {
    assert.equal(elide('short'), 'short');
    const long = 'x'.repeat(MAX_FIELD_CHARS + 10);
    assert.equal(elide(long), `${'x'.repeat(MAX_FIELD_CHARS)}… [10 more characters elided]`);
    // Never half a surrogate pair.
    const emoji = `${'x'.repeat(MAX_FIELD_CHARS - 1)}😀😀`;
    assert.ok(!elide(emoji).includes('\ud83d…'));
    assert.equal(forTerminal(long).length < MAX_FIELD_CHARS + 40, true);
  });

  test('escapeJsonText cuts long string values only, never inside an escape, and the JSON stays valid', () => {
    for (const filler of ['a', '\\', '"', '\u001b', '\u2028', 'é', '😀']) {
      const value = { short: 'kept', long: filler.repeat(MAX_FIELD_CHARS + 7), after: ['x\\"y'] };
      const text = escapeJsonText(JSON.stringify(value, null, 2));
      const parsed = JSON.parse(text) as { short: string; long: string; after: string[] };
      assert.equal(parsed.short, 'kept', filler);
      assert.deepEqual(parsed.after, ['x\\"y'], filler);
      assert.match(parsed.long, /… \[\d+ more characters elided\]$/, filler);
      assert.ok(parsed.long.length < MAX_FIELD_CHARS + 40, filler);
      assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(parsed.long), `no lone surrogate (${filler})`);
    }
    const small = JSON.stringify({ a: 'b\\"c' });
    assert.equal(escapeJsonText(small), small);
  });

  test('truncate cuts by characters, a huge text included (its start only is looked at: the 200 MB test above)', () => {
    assert.equal(truncate('y'.repeat(50 * 1024 * 1024), 10), 'yyyyyyyyy…');
    assert.equal(truncate('😀😀😀', 3), '😀😀😀');
    assert.equal(truncate('😀😀😀😀', 3), '😀😀…');
  });
});
