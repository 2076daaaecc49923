// The process edge keeps the exit-code contract whatever happens: exit 1 means findings and
// nothing else, so a closed pipe, a bug or a missing build never ends in Node's default exit 1.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, REPO_ROOT } from '../helpers/cli.js';

const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true' };
const PRELOAD = join(REPO_ROOT, 'test', 'fixtures', 'fault-preload.mjs');

function runWithFault(fault: string, args: string[]) {
  return spawnSync(process.execPath, ['--import', PRELOAD, BIN, ...args], { cwd: REPO_ROOT, env: { ...env, SG_AUDIT_FAULT: fault }, encoding: 'utf8' });
}

test('a reader that closes stdout early (| head -1) ends the run quietly, with the audit\'s own exit code', async () => {
  for (const format of ['table', 'json', 'csv']) {
    const child = spawn(process.execPath, [BIN, '--input', 'examples/demo-account', '--format', format], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // Read one chunk, then close the pipe, as head does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(stderr, '', `${format}: nothing on stderr`);
    assert.equal(code, 1, `${format}: the demo account's findings, not a crash`);
  }
});

test('an unexpected failure inside a command is one line on stderr and exit 3, never 1', () => {
  const result = runWithFault('internal', ['--input', 'examples/demo-account']);
  assert.equal(result.status, 3);
  assert.match(result.stderr, /^sg-audit: error: unexpected failure: Cannot read properties of undefined .* — run with --debug for details and report it\n$/);
  assert.doesNotMatch(result.stderr, /\u001b/, 'the message is sanitized');
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  const debug = runWithFault('internal', ['--input', 'examples/demo-account', '--debug']);
  assert.equal(debug.status, 3);
  assert.match(debug.stderr, /\n\s+at /, '--debug shows the stack');
});

test('an exception or rejection outside any command is one line on stderr and exit 3', () => {
  for (const fault of ['uncaught', 'rejection']) {
    const result = runWithFault(fault, ['--input', 'examples/demo-account', '--format', 'json']);
    assert.equal(result.status, 3, fault);
    assert.match(result.stderr, /^sg-audit: error: unexpected failure: (a timer went wrong|nobody awaited this) — run with --debug/, fault);
    assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, fault);
  }
});

test('without a build (no dist/) it says how to build, exit 3', () => {
  const root = mkdtempSync(join(tmpdir(), 'sg-audit-nobuild-'));
  cpSync(join(REPO_ROOT, 'bin'), join(root, 'bin'), { recursive: true });
  const result = spawnSync(process.execPath, [join(root, 'bin', 'sg-audit.js'), '--version'], { env, encoding: 'utf8' });
  assert.equal(result.status, 3);
  assert.equal(result.stderr, `sg-audit: error: sg-audit is not built: ${root}/lib/ is missing — run npm install (or npm run build) in ${root}/\n`);
});
