// Running the CLI in tests: in-process through main() with captured streams, or as a real
// process (the built bin/sg-audit.js) with a minimal environment — no AWS_* variables from the
// developer's shell, and IMDS disabled so the credential chain never probes the network.
import { spawn, type ChildProcessByStdio, type ChildProcessWithoutNullStreams } from 'node:child_process';
import type { Readable } from 'node:stream';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const BIN = join(REPO_ROOT, 'bin', 'sg-audit.js');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** In-process: fast, and the same code path as the binary minus the shim. */
export async function runMain(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: { write: (t: string) => void (stdout += t) },
    stderr: { write: (t: string) => void (stderr += t) },
    env: { NO_COLOR: '1', ...env },
    now: () => new Date('2026-01-02T03:04:05.000Z'),
  });
  return { code, stdout, stderr };
}

/** A throwaway HOME with an AWS profile `fake` holding static test credentials. */
export function fakeAwsHome(accessKeyId: string, secretAccessKey: string, region?: string): string {
  const home = mkdtempSync(join(tmpdir(), 'sg-audit-home-'));
  mkdirSync(join(home, '.aws'));
  writeFileSync(join(home, '.aws', 'credentials'), `[fake]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = ${secretAccessKey}\n`);
  writeFileSync(join(home, '.aws', 'config'), region ? `[profile fake]\nregion = ${region}\n` : '');
  return home;
}

/**
 * For in-process live tests: the SDK reads credentials from the process environment, so point it
 * at a throwaway profile `fake` (and nothing else of the developer's AWS setup).
 */
export function useFakeAwsProfile(accessKeyId: string, secretAccessKey: string): void {
  const home = fakeAwsHome(accessKeyId, secretAccessKey);
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, {
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
  });
}

/** Spawns the built binary with a minimal, hermetic environment plus `env`. */
export function runBin(args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd: string = REPO_ROOT): Promise<RunResult> {
  const home = env['HOME'] ?? mkdtempSync(join(tmpdir(), 'sg-audit-home-'));
  const fullEnv: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: home,
    NO_COLOR: '1',
    AWS_EC2_METADATA_DISABLED: 'true',
    ...env,
  };
  for (const [k, v] of Object.entries(fullEnv)) if (v === undefined) delete fullEnv[k];
  return outputOf(spawn(process.execPath, [BIN, ...args], { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** A spawned process's exit code and everything it printed, once it has ended. */
export function outputOf(child: ChildProcessByStdio<null, Readable, Readable> | ChildProcessWithoutNullStreams): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
