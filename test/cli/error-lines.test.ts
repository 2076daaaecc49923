// Errors never echo hostile input back raw (issue 13, case 10): what a user typed (--fail-on,
// --format, a path) and what a file holds (a megabyte of junk where a CIDR belongs) reach stderr
// as one line, control characters shown as escapes, elided like every other output.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MAX_LINE_CHARS } from '../../src/report/sanitize.js';
import { group } from '../helpers/builders.js';
import { REPO_ROOT, runBin, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');
// Raw C0 and C1 controls, DEL and bidi overrides: none may reach a terminal.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function assertOneSafeLine(stderr: string): void {
  assert.equal(stderr.split('\n').length, 2, `one line: ${JSON.stringify(stderr.slice(0, 300))}`);
  assert.doesNotMatch(stderr, RAW_CONTROL);
  assert.ok(stderr.length < MAX_LINE_CHARS + 400, `${stderr.length} characters`);
}

describe('error lines are sanitized and elided', () => {
  test('a 1 MB junk CIDR: one line of about a thousand characters, not a megabyte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-audit-errlines-'));
    const file = join(dir, 'describe-security-groups.json');
    const junk = `1${'\u001b[2J1'.repeat(1 << 18)}`;
    writeFileSync(file, JSON.stringify({ SecurityGroups: [{ ...group({ id: 'sg-1' }), IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: junk }] }] }] }));
    const { code, stderr } = await runMain(['--input', file, '--region', 'us-east-1']);
    assert.equal(code, 2);
    assertOneSafeLine(stderr);
    assert.match(stderr, /IpRanges\[0\]\.CidrIp/);
    assert.match(stderr, /… \[elided: \d+ characters in all\]/);
  });

  test('escape sequences typed into --fail-on or --format are shown, not obeyed (the built binary)', async () => {
    for (const args of [
      ['--fail-on', '\u001b[31mhigh\u0007'],
      ['--format', '\u001b]0;pwned\u0007'],
      ['--format', 'json=\u001b[2J/report.json', '--format', 'table'],
      ['--format', '\u009b31m='],
      ['--region', 'us\u001b[2J-east-1'],
      ['--rule', 'ssh\u001b[31m'],
    ]) {
      const { code, stderr } = await runBin(['--input', DEMO, ...args]);
      assert.equal(code, 2, `${JSON.stringify(args)}: ${stderr}`);
      assertOneSafeLine(stderr);
      assert.match(stderr, /\\x1b|\\x9b/, JSON.stringify(args));
    }
  });

  test('a hostile input path is shown, not obeyed', async () => {
    const { code, stderr } = await runMain(['--input', `/nonexistent/\u001b[2J${'x'.repeat(5000)}.json`]);
    assert.equal(code, 2);
    assertOneSafeLine(stderr);
  });
});
