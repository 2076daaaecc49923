// Config text → a plain value. YAML (1.2, core schema: `2026-12-31` and `off` stay strings) or,
// for a `.json` file, strict JSON. Syntax errors become one line with the file, line and column.
import { parseDocument, type Document } from 'yaml';
import { configError } from '../errors.js';

function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, col: offset - before.lastIndexOf('\n') };
}

/** The document, and its first problem as "file:line:col: invalid <kind>: message". */
function yamlDocument(text: string, file: string, kind: 'YAML' | 'JSON'): { doc: Document; problem?: string } {
  // uniqueKeys: a repeated key is an error, never a silent "last one wins".
  const doc = parseDocument(text, { schema: kind === 'JSON' ? 'json' : 'core', uniqueKeys: true, prettyErrors: true });
  // Warnings (an unknown !tag) mean the value is not what the file seems to say: fail closed.
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (!problem) return { doc };
  const where = problem.linePos?.[0];
  const what = (problem.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return { doc, problem: `${file}${where ? `:${where.line}:${where.col}` : ''}: invalid ${kind}: ${what}` };
}

function parseJson(text: string, file: string): unknown {
  const hint = 'fix the syntax (a JSON config is one object)';
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /at position (\d+)/.exec(message);
    if (!position) {
      // Node's message sometimes has no position; the YAML parser (JSON schema) can place it.
      const located = yamlDocument(text, file, 'JSON').problem;
      if (located) throw configError(located, hint);
    }
    const where = position ? lineCol(text, Number(position[1])) : undefined;
    const what = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*" is not valid JSON$/s, '');
    throw configError(`${file}${where ? `:${where.line}:${where.col}` : ''}: invalid JSON: ${what}`, hint);
  }
  // JSON.parse keeps the last of a repeated key without a word; a config must not.
  const duplicate = yamlDocument(text, file, 'JSON').problem;
  if (duplicate?.includes('Map keys must be unique')) throw configError(duplicate, hint);
  return value;
}

function parseYaml(text: string, file: string): unknown {
  const { doc, problem } = yamlDocument(text, file, 'YAML');
  if (problem) throw configError(problem, 'fix the syntax (YAML, or JSON in a .json file)');
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    // An alias to an anchor that is not defined, or an alias bomb.
    throw configError(`${file}: invalid YAML: ${error instanceof Error ? error.message : String(error)}`, 'fix the anchors and aliases');
  }
}

/**
 * The most a config file may hold. The YAML parser takes seconds and hundreds of megabytes for a
 * megabyte of nested flow collections (`[[[…]]]`), and overflows its stack on deep ones: a bomb
 * without aliases. A real config is a few kilobytes (a thousand suppressions are 150 KiB), and
 * nests a handful of levels.
 */
export const MAX_CONFIG_CHARS = 256 * 1024;
export const MAX_CONFIG_DEPTH = 64;

/** How deep `[` and `{` nest in YAML or JSON text, quoted strings and comments left out. */
export function flowDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      // To the closing quote: "…" escapes with a backslash, '…' doubles the quote.
      for (i++; i < text.length; i++) {
        if (c === '"' && text[i] === '\\') i++;
        else if (text[i] === c) {
          if (c === "'" && text[i + 1] === "'") i++;
          else break;
        }
      }
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '[' || c === '{') {
      deepest = Math.max(deepest, ++depth);
    } else if (c === ']' || c === '}') {
      depth--;
    }
  }
  return deepest;
}

/** The file's value; an empty file (or one holding only comments) is an empty config. */
export function parseConfigText(text: string, file: string): unknown {
  if (text.length > MAX_CONFIG_CHARS) {
    throw configError(
      `${file}: the config file holds ${Math.ceil(text.length / 1024)} KiB; sg-audit reads at most ${MAX_CONFIG_CHARS / 1024} KiB`,
      'keep rules and a few suppressions there; accept many findings with a baseline (docs/baselines.md)',
    );
  }
  if (flowDepth(text) > MAX_CONFIG_DEPTH) {
    throw configError(`${file}: lists or maps nest more than ${MAX_CONFIG_DEPTH} levels deep`, 'a config nests a few levels: see examples/sg-audit.example.yml');
  }
  const body = text.replace(/^\uFEFF/, '');
  if (/\.json$/i.test(file)) return parseJson(body, file);
  return parseYaml(body, file) ?? {};
}
