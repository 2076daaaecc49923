// Where each resource of a plan is written: the `.tf` file and line of its `resource "TYPE"
// "NAME"` block. The plan's configuration names modules and their sources but no files, so the
// root module is looked for beside the plan (else in the working directory), a local module at its
// source path from its caller's directory, and a registry or git module where `terraform init`
// put it (.terraform/modules/modules.json). What cannot be found is reported by its address.
// The I/O of the Terraform input: reads files only.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { ConfigModule } from './plan.js';

/** A resource block: its file (as the report shows it), line, and text. */
export interface TfBlock {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

/** Blocks by configuration path ('' root, `app.db`), then by `type.name`. */
export type SourceIndex = ReadonlyMap<string, ReadonlyMap<string, TfBlock>>;

const RESOURCE = /^\s*resource\s+"([^"]+)"\s+"([^"]+)"/;

/** A path as the report shows it: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? resolve(cwd, path) : rel;
}

/** The resource blocks of one directory's `.tf` files. */
async function blocksIn(dir: string, cwd: string): Promise<Map<string, TfBlock>> {
  const blocks = new Map<string, TfBlock>();
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith('.tf')).sort();
  } catch {
    return blocks;
  }
  for (const name of names) {
    let text: string;
    try {
      text = await readFile(join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const m = RESOURCE.exec(line);
      if (!m) return;
      // The block's text, to its closing brace (braces in strings come in pairs: "${var.x}").
      let depth = 0;
      let opened = false;
      let end = i;
      for (let j = i; j < lines.length; j++) {
        for (const ch of lines[j] ?? '') {
          if (ch === '{') (depth++, (opened = true));
          else if (ch === '}') depth--;
        }
        end = j;
        if (opened && depth <= 0) break;
      }
      blocks.set(`${m[1]}.${m[2]}`, { file: displayPath(join(dir, name), cwd), line: i + 1, text: lines.slice(i, end + 1).join('\n') });
    });
  }
  return blocks;
}

/** `terraform init`'s record of where it put each module (Key: the configuration path). */
async function initModules(root: string): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  try {
    const manifest = JSON.parse(await readFile(join(root, '.terraform', 'modules', 'modules.json'), 'utf8')) as unknown;
    const modules = typeof manifest === 'object' && manifest !== null ? (manifest as { Modules?: unknown }).Modules : undefined;
    for (const m of Array.isArray(modules) ? modules : []) {
      if (typeof m === 'object' && m !== null && typeof (m as { Key?: unknown }).Key === 'string' && typeof (m as { Dir?: unknown }).Dir === 'string') {
        dirs.set((m as { Key: string }).Key, resolve(root, (m as { Dir: string }).Dir));
      }
    }
  } catch {
    // No manifest: only local modules are found.
  }
  return dirs;
}

/**
 * Finds the blocks of every module of the configuration. The root module is the plan's directory
 * when it holds `.tf` files, else the working directory.
 */
export async function indexSources(planFile: string, root: ConfigModule | undefined, cwd: string): Promise<SourceIndex> {
  const index = new Map<string, Map<string, TfBlock>>();
  if (!root) return index;
  let rootDir = dirname(resolve(cwd, planFile));
  let rootBlocks = await blocksIn(rootDir, cwd);
  if (rootBlocks.size === 0 && resolve(cwd) !== rootDir) {
    rootDir = resolve(cwd);
    rootBlocks = await blocksIn(rootDir, cwd);
  }
  index.set('', rootBlocks);
  const manifest = await initModules(rootDir);
  const walk = async (module: ConfigModule, dir: string | undefined) => {
    for (const [name, call] of module.moduleCalls) {
      const path = module.path ? `${module.path}.${name}` : name;
      const local = call.source !== undefined && /^\.\.?\//.test(call.source) && dir !== undefined ? resolve(dir, call.source) : undefined;
      const childDir = manifest.get(path) ?? local;
      index.set(path, childDir ? await blocksIn(childDir, cwd) : new Map());
      await walk(call.module, childDir);
    }
  };
  await walk(root, rootDir);
  return index;
}
