// Which reports a run writes, and where (src/cli/outputs.ts), and the CLI around it: several
// reports in one run, each file written whole, bad combinations refused before any work.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { planOutputs } from '../../src/cli/outputs.js';
import { isSgAuditError } from '../../src/errors.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');

function planError(specs: string[], output?: string): string {
  try {
    planOutputs(specs, output);
  } catch (error) {
    assert.ok(isSgAuditError(error));
    assert.equal(error.exitCode, 2);
    return `${error.message} — ${error.hint ?? ''}`;
  }
  assert.fail('expected a usage error');
}

describe('planOutputs', () => {
  test('no --format: the table on stdout, or the format --output names by its extension', () => {
    assert.deepEqual(planOutputs([], undefined), [{ format: 'table' }]);
    assert.deepEqual(planOutputs([], 'sg.sarif'), [{ format: 'sarif', file: 'sg.sarif' }]);
    assert.deepEqual(planOutputs([], 'TESTS.XML'), [{ format: 'junit', file: 'TESTS.XML' }]);
    assert.deepEqual(planOutputs([], 'report.md'), [{ format: 'markdown', file: 'report.md' }]);
    assert.deepEqual(planOutputs([], 'report.out'), [{ format: 'table', file: 'report.out' }]);
  });

  test('--format wins over the extension; --output takes the one without a file', () => {
    assert.deepEqual(planOutputs(['json'], 'report.txt'), [{ format: 'json', file: 'report.txt' }]);
    assert.deepEqual(planOutputs(['table', 'sarif=sg.sarif', 'json=r.json'], undefined), [
      { format: 'table' },
      { format: 'sarif', file: 'sg.sarif' },
      { format: 'json', file: 'r.json' },
    ]);
    assert.deepEqual(planOutputs(['SARIF=a=b.sarif'], undefined), [{ format: 'sarif', file: 'a=b.sarif' }]);
  });

  test('every report to a file: nothing on stdout', () => {
    assert.deepEqual(planOutputs(['json=r.json'], undefined), [{ format: 'json', file: 'r.json' }]);
  });

  test('refused: an unknown format (with a suggestion), two reports for stdout, --output with nothing to take, one file twice, no file after =', () => {
    assert.match(planError(['sarf']), /unknown format "sarf" \(did you mean sarif\?\) — use one of table, json, sarif, junit, csv, markdown, html/);
    assert.match(planError(['table', 'json']), /only one report can go to stdout — give the others a file, e\.g\. --format json=report\.json/);
    assert.match(planError(['json=a.json'], 'b.json'), /every --format already names its file/);
    assert.match(planError(['json=a.json', 'sarif=./a.json']), /a\.json is named for both the json and the sarif report/);
    assert.match(planError(['json=']), /no file after "="/);
  });
});

describe('several reports in one run (end to end)', () => {
  test('table on stdout, every other format to its file; each file is the same as that format alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-outputs-'));
    const formats = ['json', 'sarif', 'junit', 'csv', 'markdown', 'html'] as const;
    const { code, stdout } = await runMain(['--input', DEMO, '--format', 'table', ...formats.flatMap((f) => ['--format', `${f}=${join(dir, f)}`])]);
    assert.equal(code, 1);
    assert.match(stdout, /ssh-open-to-internet/);
    for (const format of formats) {
      const alone = await runMain(['--input', DEMO, '--format', format]);
      assert.equal(readFileSync(join(dir, format), 'utf8'), alone.stdout, format);
    }
    // Written through temporary files that are renamed into place: none is left behind.
    assert.deepEqual(readdirSync(dir).sort(), [...formats].sort());
  });

  test('a bad combination is refused before anything is written or collected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-outputs-'));
    const { code, stdout, stderr } = await runMain(['--input', DEMO, '--format', `json=${join(dir, 'a.json')}`, '--format', 'yaml']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /^sg-audit: error: --format yaml: unknown format "yaml"/);
    assert.equal(existsSync(join(dir, 'a.json')), false);
  });

  test('a report file that is also an input is refused, and the input is left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-outputs-'));
    const input = join(dir, 'describe-security-groups.json');
    const text = readFileSync(join(DEMO, 'us-east-1', 'describe-security-groups.json'), 'utf8');
    writeFileSync(input, text);
    const { code, stderr } = await runMain(['--input', dir, '--format', 'table', '--format', `json=${input}`]);
    assert.equal(code, 2);
    assert.match(stderr, /is also an input file/);
    assert.equal(readFileSync(input, 'utf8'), text);
  });
});
