// Installs work as the README writes them: `npm install --global .` in a fresh clone, and a
// tarball from `npm pack` installed on its own, each into a temporary prefix, each giving a working
// `sg-audit` run from elsewhere. npm runs offline (from the cache `npm ci` filled): no test talks
// to an address off this machine.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from './helpers/cli.js';

const npmCache = execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();

/** The environment of a user's shell: none of the npm_* variables `npm test` sets, npm offline. */
function userEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) && key !== 'INIT_CWD') env[key] = value;
  return { ...env, HOME: home, npm_config_cache: npmCache, npm_config_offline: 'true', npm_config_update_notifier: 'false', NO_COLOR: '1' };
}

/** A fresh clone of the working tree: tracked and new files, nothing ignored (no node_modules, no build). */
function freshClone(): string {
  const clone = mkdtempSync(join(tmpdir(), 'sg-audit-clone-'));
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    mkdirSync(join(clone, dirname(file)), { recursive: true });
    try {
      cpSync(join(REPO_ROOT, file), join(clone, file));
    } catch {
      // A file deleted in the working tree but still tracked.
    }
  }
  return clone;
}

function sh(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

function assertWorks(bin: string, env: NodeJS.ProcessEnv, demo: string): void {
  const elsewhere = mkdtempSync(join(tmpdir(), 'sg-audit-elsewhere-'));
  const version = sh(bin, ['--version'], elsewhere, env);
  assert.equal(version.code, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  const audit = sh(bin, ['--input', demo, '--format', 'json'], elsewhere, env);
  assert.equal(audit.code, 1, audit.stderr);
  assert.equal(audit.stderr, '');
  assert.equal((JSON.parse(audit.stdout) as { summary: { findings: number } }).summary.findings > 0, true);
  // The SDK's region list ships beside the bundle (lib/aws-partitions.json): a typo is caught without node_modules.
  writeFileSync(join(elsewhere, 'sgs.json'), JSON.stringify({ SecurityGroups: [{ GroupId: 'sg-1', GroupName: 'x', IpPermissions: [] }] }));
  const typo = sh(bin, ['--input', join(elsewhere, 'sgs.json'), '--region', 'us-eest-1'], elsewhere, env);
  assert.equal(typo.code, 2, typo.stderr);
  assert.match(typo.stderr, /did you mean us-east-1\?/);
}

describe('installs', { concurrency: false }, () => {
  const home = mkdtempSync(join(tmpdir(), 'sg-audit-install-home-'));
  const env = userEnv(home);
  const clone = freshClone();
  const demo = join(REPO_ROOT, 'examples', 'demo-account');

  test('npm install --global . in a fresh clone gives a working sg-audit', () => {
    const prefix = mkdtempSync(join(tmpdir(), 'sg-audit-prefix-'));
    const install = sh('npm', ['install', '--global', '--prefix', prefix, '.'], clone, env);
    assert.equal(install.code, 0, install.stderr);
    assertWorks(join(prefix, 'bin', 'sg-audit'), { ...env, PATH: `${join(prefix, 'bin')}:${env['PATH'] ?? ''}` }, demo);
  });

  test('a tarball from npm pack installs on its own (no dependencies to fetch) and works', () => {
    const packed = sh('npm', ['pack', '--silent'], clone, env);
    assert.equal(packed.code, 0, packed.stderr);
    const tarball = readdirSync(clone).find((f) => /^sg-audit-.*\.tgz$/.test(f));
    assert.ok(tarball, packed.stdout);
    const listing = execFileSync('tar', ['tzf', join(clone, tarball)], { encoding: 'utf8' }).split('\n');
    assert.ok(listing.includes('package/lib/sg-audit.js') && listing.includes('package/bin/sg-audit.js'));
    assert.ok(!listing.some((f) => f.startsWith('package/node_modules/') || f.startsWith('package/src/')), 'the bundle needs no node_modules and no sources');
    const prefix = mkdtempSync(join(tmpdir(), 'sg-audit-prefix-'));
    const install = sh('npm', ['install', '--global', '--prefix', prefix, join(clone, tarball)], home, env);
    assert.equal(install.code, 0, install.stderr);
    assertWorks(join(prefix, 'bin', 'sg-audit'), env, demo);
  });
});
