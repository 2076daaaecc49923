#!/usr/bin/env node
// Runs the compiled test files (dist/test/**/*.test.js) with node's built-in runner.
// Node 20's `--test` takes no globs, so the file list is gathered here. Extra
// arguments are passed through (e.g. a path filter: `npm test -- rules/ssh`).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

const root = 'dist/test';
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.test.js') ? [path] : [];
  });
}

const files = walk(root)
  .filter((f) => filters.length === 0 || filters.some((flt) => relative(root, f).includes(flt)))
  .sort();
if (files.length === 0) {
  console.error(`no test files matched under ${root}`);
  process.exit(1);
}
// Test files run side by side, two at least: most of them wait on child processes and local
// endpoints, so one a core would leave a 2-core machine half idle (Node's default is one fewer than
// the cores). --test-concurrency=N on the command line overrides it.
const concurrency = passThrough.some((a) => a.startsWith('--test-concurrency')) ? [] : [`--test-concurrency=${Math.max(2, availableParallelism())}`];
const result = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...concurrency, ...passThrough, ...files], {
  stdio: 'inherit',
  env: { ...process.env, SG_AUDIT_TEST: '1' },
});
process.exit(result.status ?? 1);
