// Every report format, and what each renderer may read besides the report. Renderers are pure
// (report + context → string); each lives in its own module, loaded only when asked for, so a
// table run never loads the HTML or SARIF code.
import type { ChalkInstance } from 'chalk';
import type { Outcome } from '../engine/evaluate.js';
import type { Severity } from '../rules-kit/types.js';
import type { AuditReport } from './types.js';

/** What the human formats (table, Markdown, HTML) show of the findings; the gate and the machine formats are never narrowed. */
export interface DisplayFilter {
  /** Show findings at or above this severity only (--min-severity). */
  readonly minSeverity?: Severity;
  /** With a baseline, show only the new findings (--only-new). */
  readonly onlyNew?: boolean;
}

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'csv', 'markdown', 'html'] as const;
export type Format = (typeof FORMATS)[number];

export function isFormat(name: string): name is Format {
  return (FORMATS as readonly string[]).includes(name);
}

/** File extensions that name a format when `--output` is given without `--format`. */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, Format>> = {
  '.txt': 'table',
  '.json': 'json',
  '.sarif': 'sarif',
  '.xml': 'junit',
  '.csv': 'csv',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.html': 'html',
  '.htm': 'html',
};

export interface RenderContext {
  /** Colour for the table (level 0 for files and pipes). */
  readonly chalk: ChalkInstance;
  /** Table width in columns. */
  readonly width: number;
  /** Every rule × resource result, for formats that list passing checks too (JUnit). */
  readonly outcomes: readonly Outcome[];
  /** The directory input files are relative to (SARIF artifact locations are repository paths). */
  readonly cwd: string;
  /** Every finding's evidence in the table, not only its summary and fix (--details). */
  readonly details?: boolean;
  readonly display?: DisplayFilter;
  /**
   * Markdown and HTML: how many findings the display filter left out of the report they were
   * given (its `findings` are already filtered; its summary still counts every finding).
   */
  readonly hidden?: number;
}

/** The formats a person reads: the display filter narrows these, never the machine formats. */
export const HUMAN_FORMATS: readonly Format[] = ['table', 'markdown', 'html'];

/** "59 findings below high (--min-severity) are not shown": what a display filter left out. */
export function hiddenText(hidden: number, display: DisplayFilter): string {
  const why = [display.minSeverity !== undefined ? `below ${display.minSeverity} (--min-severity)` : '', display.onlyNew ? 'unchanged since the baseline (--only-new)' : '']
    .filter(Boolean)
    .join(' or ');
  return `${hidden} ${hidden === 1 ? 'finding' : 'findings'} ${why} ${hidden === 1 ? 'is' : 'are'} not shown here; the exit code and the JSON report count every finding.`;
}

/**
 * A rendered report: whole, or in pieces produced as they are written (JSON and the table, which
 * for a large account run to hundreds of megabytes, are never held whole).
 */
export type RenderedReport = string | Iterable<string>;

/**
 * A report with notes about it: one line each for stderr, saying what the report had to leave out
 * and why (SARIF past GitHub's upload limits). The report itself says so too; the note makes sure
 * the person who runs sg-audit learns it without opening the file.
 */
export interface Rendered {
  readonly text: RenderedReport;
  readonly notes: readonly string[];
}

export type Renderer = (report: AuditReport, ctx: RenderContext) => RenderedReport | Rendered;

function isRendered(value: RenderedReport | Rendered): value is Rendered {
  return typeof value === 'object' && 'notes' in value && 'text' in value;
}

const LOADERS: Readonly<Record<Format, () => Promise<Renderer>>> = {
  table: async () => (await import('./render-table.js')).renderTableChunks,
  json: async () => (await import('./render-json.js')).renderJsonChunks,
  sarif: async () => (await import('./render-sarif.js')).renderSarif,
  junit: async () => (await import('./render-junit.js')).renderJunit,
  csv: async () => (await import('./render-csv.js')).renderCsv,
  markdown: async () => (await import('./render-markdown.js')).renderMarkdown,
  html: async () => (await import('./render-html.js')).renderHtml,
};

/** The renderer of a format, its output always as text and notes (most renderers have none). */
export async function rendererFor(format: Format): Promise<(report: AuditReport, ctx: RenderContext) => Rendered> {
  const render = await LOADERS[format]();
  return (report, ctx) => {
    const out = render(report, ctx);
    return isRendered(out) ? out : { text: out, notes: [] };
  };
}
