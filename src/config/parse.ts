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

/** The file's value; an empty file (or one holding only comments) is an empty config. */
export function parseConfigText(text: string, file: string): unknown {
  const body = text.replace(/^\uFEFF/, '');
  if (/\.json$/i.test(file)) return parseJson(body, file);
  return parseYaml(body, file) ?? {};
}
