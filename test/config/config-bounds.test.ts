// A config file cannot make the YAML parser a bomb (found by test/fuzz/loaders.test.ts): a
// megabyte of nested flow collections took the parser tens of seconds and gigabytes, and deep
// nesting overflowed its stack (or aborted the process) after a minute of CPU. Past 256 KiB or
// 64 levels of nesting the file is refused at once, exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { flowDepth, MAX_CONFIG_CHARS } from '../../src/config/parse.js';
import { REPO_ROOT, runMain } from '../helpers/cli.js';

const DEMO = join(REPO_ROOT, 'examples', 'demo-account');

async function withConfig(name: string, text: string) {
  const file = join(mkdtempSync(join(tmpdir(), 'sg-audit-config-bounds-')), name);
  writeFileSync(file, text);
  const started = process.cpuUsage();
  const result = await runMain(['--input', DEMO, '--config', file, '--quiet']);
  const cpu = process.cpuUsage(started);
  return { ...result, cpuMs: (cpu.user + cpu.system) / 1000 };
}

describe('config files the YAML parser must never see', () => {
  const deep = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

  for (const [name, text] of [
    ['deep.yml', `failOn: high\nx: ${deep(100_000)}\n`],
    ['deep.json', `{"failOn": "high", "rules": {"x": ${deep(120_000)}}}`],
    ['nested.yml', `failOn: high\nx: ${deep(65)}\n`],
  ] as const) {
    test(`${name}: nesting past 64 levels is exit 2 at once`, async () => {
      const { code, stderr, cpuMs } = await withConfig(name, text);
      assert.equal(code, 2);
      assert.match(stderr, /lists or maps nest more than 64 levels deep/);
      assert.ok(cpuMs < 2_000, `${cpuMs} ms of CPU`);
    });
  }

  test('a file past 256 KiB is exit 2 at once, pointing at baselines', async () => {
    const unit = `${'['.repeat(10)}${']'.repeat(10)}`;
    const { code, stderr, cpuMs } = await withConfig('big.yml', `x: [${Array(20_000).fill(unit).join(',')}]\n`);
    assert.equal(code, 2);
    assert.match(stderr, /holds 411 KiB; sg-audit reads at most 256 KiB — .*baseline/);
    assert.ok(cpuMs < 2_000, `${cpuMs} ms of CPU`);
  });

  test('the example config, and a config with a thousand suppressions, are well within the bounds', async () => {
    const suppression = '  - rule: ssh-open-to-internet\n    resource: sg-0123456789abcdef0\n    ports: [tcp/22]\n    reason: "Bastion host [reviewed] {SEC-123} # not a comment"\n    expires: 2099-12-31\n';
    const text = `failOn: high\nsuppressions:\n${suppression.repeat(1_000)}`;
    assert.ok(text.length < MAX_CONFIG_CHARS);
    assert.equal(flowDepth(text), 1);
    const { code, stderr } = await withConfig('many.yml', text);
    assert.equal(code, 1, stderr);
  });
});
