#!/usr/bin/env node
// The program users run: src/ and every runtime dependency bundled by esbuild into lib/, so an
// installed sg-audit needs no node_modules (a tarball installs offline, in a second) and starts by
// loading a few files instead of hundreds. Code split at the dynamic imports: a renderer, the
// config parser and the AWS SDK load only when a run needs them (an offline audit never loads
// the SDK). lib/bundle-meta.json records which output files hold which packages (the tests use it
// to prove the SDK stays unloaded offline), and lib/THIRD-PARTY-LICENSES.txt the bundled
// packages' licenses, and lib/aws-partitions.json the SDK's list of regions (read as data).
import { build } from 'esbuild';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'lib');

rmSync(out, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: { 'sg-audit': 'src/cli/main.ts', 'live-worker': 'src/collect/live-worker.ts' },
  outdir: out,
  // Chunks sit beside the entries: live.ts finds its worker as ./live-worker.js beside itself.
  chunkNames: '[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies call require(): give every file one.
  banner: { js: "import { createRequire as __sgAuditRequire } from 'node:module'; const require = __sgAuditRequire(import.meta.url);" },
  // The SDK reads its own package.json fields through require in a few places: resolved statically.
  mainFields: ['module', 'main'],
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

/** The npm package a bundled input file belongs to, or undefined for our own sources. */
function packageOf(input) {
  const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  return match?.[1];
}

const outputs = {};
const packages = new Map();
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  const names = new Set();
  for (const input of Object.keys(output.inputs)) {
    const name = packageOf(input);
    if (!name) continue;
    names.add(name);
    const dir = input.slice(0, input.indexOf(`node_modules/${name}/`) + `node_modules/${name}`.length);
    packages.set(name, join(root, dir));
  }
  outputs[relative(out, join(root, file))] = { bytes: output.bytes, packages: [...names].sort() };
}
writeFileSync(join(out, 'bundle-meta.json'), `${JSON.stringify({ outputs }, null, 1)}\n`);

// The AWS SDK's partitions data (the regions it knows), beside the bundle as a plain JSON file:
// src/collect/regions.ts reads it to check --region without loading the SDK. Found where
// regions.ts looks for it in node_modules (its PARTITIONS_FILE; a test keeps the two the same).
const requireHere = createRequire(import.meta.url);
const sdkCore = createRequire(requireHere.resolve('@aws-sdk/client-ec2/package.json')).resolve('@aws-sdk/core/package.json');
const partitionsSource = readFileSync(join(dirname(sdkCore), 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8');
const partitions = JSON.parse(partitionsSource.slice(partitionsSource.indexOf('{'), partitionsSource.lastIndexOf('}') + 1));
writeFileSync(join(out, 'aws-partitions.json'), `${JSON.stringify(partitions)}\n`);

// Every bundled package's name, version, licence and licence text.
const notices = [];
for (const [name, dir] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const licenseFile = existsSync(dir) ? readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f)) : undefined;
  const text = licenseFile ? readFileSync(join(dir, licenseFile), 'utf8').trim() : `(no licence file in the package; package.json says ${pkg.license ?? 'nothing'})`;
  notices.push(`${name}@${pkg.version} — ${pkg.license ?? 'unknown'}\n\n${text}\n`);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'THIRD-PARTY-LICENSES.txt'), `sg-audit bundles these packages:\n\n${notices.join(`\n${'-'.repeat(72)}\n\n`)}`);
