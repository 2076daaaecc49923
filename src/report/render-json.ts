import { escapeJsonText } from './sanitize.js';
import type { AuditReport } from './types.js';

/** The JSON contract (schemaVersion 1): stable key order, two-space indent, trailing newline. */
export function renderJson(report: AuditReport): string {
  return `${escapeJsonText(JSON.stringify(report, null, 2))}\n`;
}
