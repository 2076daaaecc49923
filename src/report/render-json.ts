import { escapeJsonText } from './sanitize.js';
import type { AuditReport } from './types.js';

/** The JSON contract (schemaVersion 1): stable key order, two-space indent, trailing newline. */
export function renderJson(report: AuditReport): string {
  return [...renderJsonChunks(report)].join('');
}

// Where the findings go in the report serialized without them. Only top-level keys sit two spaces
// deep, and a JSON string cannot hold a raw newline, so this text occurs once.
const EMPTY_FINDINGS = '\n  "findings": []';
const OPEN_FINDINGS = '\n  "findings": [';

/**
 * renderJson's text, in pieces: the report around its findings, then each finding. A report of
 * 100k findings is then written while it is serialized, never held whole (a string of hundreds of
 * megabytes, twice that in memory once one character is not Latin-1). The pieces, joined, are
 * exactly JSON.stringify(report, null, 2), escaped by escapeJsonText, plus a newline.
 */
export function* renderJsonChunks(report: AuditReport): Generator<string> {
  const frame = escapeJsonText(JSON.stringify({ ...report, findings: [] }, null, 2));
  if (report.findings.length === 0) {
    yield `${frame}\n`;
    return;
  }
  const slot = frame.indexOf(EMPTY_FINDINGS);
  yield `${frame.slice(0, slot)}${OPEN_FINDINGS}`;
  let separator = '\n    ';
  for (const finding of report.findings) {
    yield `${separator}${escapeJsonText(stringifyAtDepth(finding, 2))}`;
    separator = ',\n    ';
  }
  yield `\n  ]${frame.slice(slot + EMPTY_FINDINGS.length)}\n`;
}

/**
 * JSON.stringify(value, null, 2) as it reads `depth` levels down an indented document: every line
 * after the first indented 2 × depth spaces more. Wrapping the value in `depth` one-element arrays
 * makes JSON.stringify indent it natively; the brackets around it are then cut off.
 */
function stringifyAtDepth(value: object, depth: number): string {
  let wrapped: unknown = value;
  for (let i = 0; i < depth; i++) wrapped = [wrapped];
  const text = JSON.stringify(wrapped, null, 2);
  // Each level opens with "[\n" and its indent (2 × level spaces), and closes with "\n", the
  // indent of the level above, and "]".
  let open = 0;
  let close = 0;
  for (let level = 1; level <= depth; level++) {
    open += 2 + 2 * level;
    close += 2 + 2 * (level - 1);
  }
  return text.slice(open, text.length - close);
}
