// The Chromium that the browser tests (and scripts/bench/html.mjs) drive through playwright-core,
// with nothing downloaded at install or at run time:
//   1. SG_AUDIT_CHROMIUM, when set (a missing file there is an error, not a fallback);
//   2. else a system Chromium or Chrome, when one is installed;
//   3. else the Chromium that the @sparticuz/chromium devDependency ships inside its npm package
//      (brotli-compressed), unpacked once per version into the temporary directory.
// A machine with no browser at all therefore still runs every browser test after `npm ci`.
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/**
 * Headless, offline, as root: no sandbox (Chromium refuses to start as root with one), no GPU, and
 * nothing in the background that would try the network (which is closed here). Playwright gives
 * every launch a fresh profile directory of its own and removes it on close.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--disable-domain-reliability',
  '--no-pings',
];

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

export interface ChromiumChoice {
  readonly path: string;
  /** Where it came from, for messages: SG_AUDIT_CHROMIUM, system, or the package and its version. */
  readonly source: string;
}

export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<ChromiumChoice> {
  const given = env['SG_AUDIT_CHROMIUM'];
  if (given) {
    if (!existsSync(given)) throw new Error(`SG_AUDIT_CHROMIUM is ${given}, which does not exist: point it at a Chromium binary, or unset it to use the packaged one`);
    return { path: given, source: 'SG_AUDIT_CHROMIUM' };
  }
  const system = SYSTEM_CHROMIUM.find((path) => existsSync(path));
  if (system) return { path: system, source: 'system' };
  return packagedChromium();
}

/** The root of the installed @sparticuz/chromium package and its version. */
function packagedChromiumPackage(): { root: string; version: string } {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve('@sparticuz/chromium'));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@sparticuz/chromium') return { root: dir, version: pkg.version ?? 'unknown' };
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('@sparticuz/chromium is not installed: run npm ci');
    dir = parent;
  }
}

/**
 * The packaged Chromium, unpacked into <tmp>/sg-audit-chromium-<version>/. The package unpacks into
 * os.tmpdir() (it checks only whether <tmp>/chromium exists, whatever its version or whether it is
 * whole), so it is pointed at a fresh directory of our own that is renamed into place once
 * complete: a run that is killed half-way, another version, or a second test process unpacking at
 * the same time never leaves a broken binary to be reused.
 */
async function packagedChromium(): Promise<ChromiumChoice> {
  const { version } = packagedChromiumPackage();
  const source = `@sparticuz/chromium ${version}`;
  const home = join(tmpdir(), `sg-audit-chromium-${version}`);
  const binary = join(home, 'chromium');
  if (existsSync(binary)) return { path: binary, source };
  const staging = mkdtempSync(`${home}-partial-`);
  const savedTmpdir = process.env['TMPDIR'];
  try {
    process.env['TMPDIR'] = staging;
    const { default: Packaged } = await import('@sparticuz/chromium');
    // No WebGL wanted (--disable-gpu): its SwiftShader libraries need not be unpacked.
    Packaged.setGraphicsMode = false;
    const unpacked = await Packaged.executablePath();
    if (unpacked !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${unpacked}, not into ${staging}`);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (savedTmpdir === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = savedTmpdir;
  }
  try {
    renameSync(staging, home);
  } catch (error) {
    // Another process put it in place first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(binary)) throw error;
  }
  return { path: binary, source };
}

export async function launchChromium(): Promise<{ browser: Browser; choice: ChromiumChoice }> {
  const choice = await findChromium();
  try {
    const browser = await chromium.launch({ executablePath: choice.path, args: [...CHROMIUM_ARGS] });
    return { browser, choice };
  } catch (error) {
    throw new Error(`Chromium (${choice.source}, ${choice.path}) did not start: ${(error as Error).message}`);
  }
}
