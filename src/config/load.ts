// The I/O edge of the config: which file (--config, else a default name in the working
// directory), reading it, then the pure parse and validation.
import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { decodeText, RESAVE_HINT, UndecodableText } from '../decode-text.js';
import { configError } from '../errors.js';
import type { AnyRule } from '../rules-kit/types.js';
import { NO_CONFIG, type AuditConfig } from './types.js';

/** Looked for in the working directory when --config is not given. */
export const DEFAULT_CONFIG_NAMES = ['.sg-audit.yml', '.sg-audit.yaml', '.sg-audit.json'] as const;

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The default config file's name in `cwd`, if there is one; more than one is an error. */
export async function findDefaultConfig(cwd: string): Promise<string | undefined> {
  const found: string[] = [];
  for (const name of DEFAULT_CONFIG_NAMES) if (await isFile(join(cwd, name))) found.push(name);
  if (found.length > 1) {
    throw configError(`more than one config file in the current directory: ${found.join(', ')}`, 'keep one, or choose one with --config FILE');
  }
  return found[0];
}

/** Reads, parses and validates a config file; `shown` is how errors name it. */
export async function readConfigFile(path: string, shown: string, catalog: readonly AnyRule[]): Promise<AuditConfig> {
  let text: string;
  try {
    text = decodeText(await readFile(path));
  } catch (error) {
    // PowerShell's `>` writes UTF-16, which is decoded; UTF-32 is named, not parsed into mojibake.
    if (error instanceof UndecodableText) throw configError(`${shown}: ${error.message}`, RESAVE_HINT);
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw configError(`${shown}: cannot read the config file: ${why}`, 'check the --config path');
  }
  // The YAML parser and the schema validator load only when there is a config to read.
  const [{ parseConfigText }, { validateConfig }] = await Promise.all([import('./parse.js'), import('./validate.js')]);
  return validateConfig(parseConfigText(text, shown), shown, catalog);
}

/**
 * The config for a run. `option` is --config: a path, false for --no-config, or undefined to
 * look for a default file in `cwd`. No file at all is an empty config.
 */
export async function loadConfig(option: string | false | undefined, cwd: string, catalog: readonly AnyRule[]): Promise<AuditConfig> {
  if (option === false) return NO_CONFIG;
  if (option !== undefined) return readConfigFile(resolve(cwd, option), option, catalog);
  const name = await findDefaultConfig(cwd);
  return name === undefined ? NO_CONFIG : readConfigFile(join(cwd, name), name, catalog);
}
