// The AWS SDK is large: --help, --version and offline audits must never load it (the bundle
// keeps it in chunks of its own: test/fixtures/trace-sdk-loads.mjs knows them from lib/bundle-meta.json).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BIN, REPO_ROOT } from '../helpers/cli.js';

function sdkModulesLoadedBy(args: string[]): string[] {
  const trace = join(mkdtempSync(join(tmpdir(), 'sg-audit-trace-')), 'loads.txt');
  const hook = join(REPO_ROOT, 'test', 'fixtures', 'trace-sdk-loads.mjs');
  spawnSync(process.execPath, ['--import', hook, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), NO_COLOR: '1', AWS_EC2_METADATA_DISABLED: 'true', SG_AUDIT_TRACE_FILE: trace },
    encoding: 'utf8',
  });
  return existsSync(trace) ? readFileSync(trace, 'utf8').split('\n').filter(Boolean) : [];
}

test('--version, --help and an offline audit never load the AWS SDK', () => {
  assert.deepEqual(sdkModulesLoadedBy(['--version']), []);
  assert.deepEqual(sdkModulesLoadedBy(['--help']), []);
  assert.deepEqual(sdkModulesLoadedBy(['--input', 'examples/demo-account']), []);
});

test('a live audit does load it (the trace works)', () => {
  assert.ok(sdkModulesLoadedBy(['--region', 'us-east-1']).length > 0);
});
