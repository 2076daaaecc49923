// Finding and reading the config file: --config, the default names in the working directory,
// --no-config, and the bundled example.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { findDefaultConfig, loadConfig } from '../../src/config/load.js';
import { parseConfigText } from '../../src/config/parse.js';
import { validateConfig } from '../../src/config/validate.js';
import { main } from '../../src/cli/main.js';
import { REPO_ROOT } from '../helpers/cli.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sg-audit-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe('config files', () => {
  test('no default file: no config', async () => {
    const dir = dirWith({});
    assert.equal(await findDefaultConfig(dir), undefined);
    const config = await loadConfig(undefined, dir, RULES);
    assert.equal(config.file, undefined);
    assert.equal(config.rules.size, 0);
  });

  for (const name of ['.sg-audit.yml', '.sg-audit.yaml', '.sg-audit.json']) {
    test(`the default ${name} is found and named as such`, async () => {
      const dir = dirWith({ [name]: name.endsWith('.json') ? '{"failOn": "low"}' : 'failOn: low\n' });
      const config = await loadConfig(undefined, dir, RULES);
      assert.equal(config.file, name);
      assert.equal(config.failOn, 'low');
    });
  }

  test('a directory named like the default is not a config file', async () => {
    const dir = dirWith({});
    mkdirSync(join(dir, '.sg-audit.yml'));
    assert.equal(await findDefaultConfig(dir), undefined);
  });

  test('more than one default file is an error naming them', async () => {
    const dir = dirWith({ '.sg-audit.yml': '', '.sg-audit.json': '{}' });
    await assert.rejects(loadConfig(undefined, dir, RULES), (error: Error & { hint?: string }) => {
      assert.equal(error.message, 'more than one config file in the current directory: .sg-audit.yml, .sg-audit.json');
      assert.match(error.hint ?? '', /--config/);
      return true;
    });
  });

  test('--no-config ignores the default file', async () => {
    const dir = dirWith({ '.sg-audit.yml': 'failOn: low\n' });
    const config = await loadConfig(false, dir, RULES);
    assert.equal(config.failOn, undefined);
  });

  test('--config wins over the default file, relative to the working directory', async () => {
    const dir = dirWith({ '.sg-audit.yml': 'failOn: low\n', 'ci.yml': 'failOn: critical\n' });
    const config = await loadConfig('ci.yml', dir, RULES);
    assert.equal(config.file, 'ci.yml');
    assert.equal(config.failOn, 'critical');
  });

  test('--config with an absolute path', async () => {
    const dir = dirWith({ 'ci.yml': 'failOn: info\n' });
    const config = await loadConfig(join(dir, 'ci.yml'), '/', RULES);
    assert.equal(config.failOn, 'info');
  });

  test('a missing --config file is a config error (exit 2)', async () => {
    const dir = dirWith({});
    await assert.rejects(loadConfig('nope.yml', dir, RULES), (error: Error & { exitCode?: number }) => {
      assert.equal(error.message, 'nope.yml: cannot read the config file: no such file');
      assert.equal(error.exitCode, 2);
      return true;
    });
  });

  test('examples/sg-audit.example.yml is valid', async () => {
    const config = await loadConfig('examples/sg-audit.example.yml', REPO_ROOT, RULES);
    assert.ok(config.rules.size > 0);
    assert.ok(config.suppressions.length > 0);
    assert.ok(config.suppressions.every((s) => s.reason.length > 0));
  });

  test('the example config, run today against the demo account it describes, applies every suppression and warns of nothing', async () => {
    // The real clock: the example must not go stale (an expiry that has passed warns). Its dates are
    // years ahead; when this fails, move them on.
    let stdout = '';
    let stderr = '';
    const code = await main(['--input', 'examples/demo-account', '--config', 'examples/sg-audit.example.yml', '--format', 'json'], {
      stdout: { write: (t: string) => void (stdout += t) },
      stderr: { write: (t: string) => void (stderr += t) },
      env: { NO_COLOR: '1' },
      now: () => new Date(),
      cwd: REPO_ROOT,
    });
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const report = JSON.parse(stdout) as { warnings: string[]; suppressions: { status: string; matched: number }[] };
    assert.deepEqual(report.warnings, []);
    assert.ok(report.suppressions.length >= 3);
    assert.ok(report.suppressions.every((s) => s.status === 'active' && s.matched > 0));
  });

  test("docs/configuration.md's example is valid", () => {
    const section = readFileSync(join(REPO_ROOT, 'docs', 'configuration.md'), 'utf8');
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(yaml, 'docs/configuration.md has a YAML example');
    const config = validateConfig(parseConfigText(yaml, '.sg-audit.yml'), '.sg-audit.yml', RULES);
    assert.ok(config.suppressions.length > 0);
  });
});
