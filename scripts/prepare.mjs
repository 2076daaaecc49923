#!/usr/bin/env node
// npm's `prepare`: build lib/, the bundle users run (scripts/bundle.mjs).
//
// `npm install --global .` in a fresh clone links the folder as it is: npm installs neither its
// dependencies nor its build tools there, yet runs this script in it. So when the bundler is not
// installed here, install the locked dependencies (npm ci) first, as a local install of this
// folder whatever the outer command's --global or --prefix; then build. `npm pack` in a fresh
// clone takes the same path, so its tarball holds the bundle.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (!existsSync(join(root, 'node_modules', 'esbuild', 'package.json'))) {
  // The outer command's settings are in npm_config_* variables: those that would make the inner
  // install global, or put it elsewhere, are dropped; the cache, registry, proxy and offline
  // settings are kept.
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (/^npm_config_(global|location|prefix|local_prefix|install_links|omit|only|production|include)$/i.test(key)) delete env[key];
  }
  const npm = process.env.npm_execpath;
  const [command, args] = npm ? [process.execPath, [npm]] : ['npm', []];
  run(command, [...args, existsSync(join(root, 'package-lock.json')) ? 'ci' : 'install', '--ignore-scripts', '--no-audit', '--no-fund', '--silent'], env);
}
run(process.execPath, [join(root, 'scripts', 'bundle.mjs')]);
