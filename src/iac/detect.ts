// Which of --input's files are a Terraform plan (or state) or a CloudFormation template: by their
// shape, not their name. Kept light (no YAML parser): every --input audit asks it before the
// saved-JSON loader runs.
import { open, readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { inputError } from '../errors.js';
import { isTerraformJson } from './terraform/plan.js';

const isObject = (v: unknown): v is Readonly<Record<string, unknown>> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Does this parsed value look like a CloudFormation template? */
export function isTemplate(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (typeof value['AWSTemplateFormatVersion'] === 'string') return true;
  const resources = value['Resources'];
  return isObject(resources) && Object.values(resources).some((r) => isObject(r) && typeof r['Type'] === 'string' && /^AWS::/.test(r['Type']));
}

/** A plan or template, read and recognized. */
export type IacFile =
  | { readonly kind: 'terraform'; readonly path: string; readonly data: unknown }
  | { readonly kind: 'cloudformation'; readonly path: string; readonly text: string };

const YAML_EXTENSIONS = new Set(['.yaml', '.yml', '.template', '.cfn']);

/** The first bytes of a file: enough to tell a plan or template from saved describe-* output without parsing it all. */
async function head(path: string, bytes = 65_536): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The plans and templates among --input's paths. Directories and other files are left to the
 * saved-JSON loader. A binary plan (`terraform plan -out`) is an input error that says how to
 * convert it.
 */
export async function findIacFiles(paths: readonly string[]): Promise<IacFile[]> {
  const found: IacFile[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    const start = await head(path);
    // A saved plan is a zip archive.
    if (start[0] === 0x50 && start[1] === 0x4b && start[2] === 0x03 && start[3] === 0x04) {
      throw inputError(`${path} is a binary Terraform plan`, `convert it first: terraform show -json ${path} > plan.json, then --input plan.json`);
    }
    const text = start.toString('utf8');
    if (YAML_EXTENSIONS.has(extname(path).toLowerCase())) {
      found.push({ kind: 'cloudformation', path, text: await readFile(path, 'utf8') });
      continue;
    }
    if (!/"format_version"|"AWSTemplateFormatVersion"|"Resources"\s*:/.test(text)) continue;
    const whole = await readFile(path, 'utf8');
    let data: unknown;
    try {
      data = JSON.parse(whole.replace(/^\uFEFF/, ''));
    } catch {
      continue; // not JSON: the saved-JSON loader says so
    }
    if (isTerraformJson(data)) found.push({ kind: 'terraform', path, data });
    else if (isTemplate(data)) found.push({ kind: 'cloudformation', path, text: whole });
  }
  return found;
}

