// The diff's JSON contract (src/diff/types.ts): two-space indent, trailing newline; text JSON
// would leave raw (C1 controls, bidi overrides) escaped, as the audit's JSON does.
import { escapeJsonText } from '../report/sanitize.js';
import type { DiffReport } from './types.js';

export function renderDiffJson(report: DiffReport): string {
  return `${escapeJsonText(JSON.stringify(report, null, 2))}\n`;
}
