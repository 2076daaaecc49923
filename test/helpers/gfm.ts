// Markdown read as GitHub reads a comment: rendered by micromark with its GFM extensions (tables,
// autolink literals, the tag filter; CommonMark exact), raw HTML passed through as GitHub passes
// its allowed tags, then the HTML walked by htmlparser2, so a test can check the structure a
// reader sees — which elements, which tables and their cells, which text is outside code.
import { Parser } from 'htmlparser2';
import { micromark } from 'micromark';
import { gfm, gfmHtml } from 'micromark-extension-gfm';

export function renderGfm(markdown: string): string {
  return micromark(markdown, { allowDangerousHtml: true, extensions: [gfm()], htmlExtensions: [gfmHtml()] });
}

export interface HtmlShape {
  /** Every element opened, in order. */
  readonly elements: readonly string[];
  /** Per table: the number of cells of each row, the header row first. */
  readonly tables: readonly (readonly number[])[];
  /** The text of each <pre><code> block. */
  readonly codeBlocks: readonly string[];
  /** Text a reader sees outside code spans and blocks (where GitHub links mentions and URLs). */
  readonly prose: string;
  /** Elements closed by the parser because the source did not close them (void elements aside). */
  readonly impliedCloses: readonly string[];
  /** <details> opened and not closed, or closed without being opened. */
  readonly unbalancedDetails: number;
  /** <summary> as the first element of each <details>. */
  readonly detailsWithSummary: number;
  readonly details: number;
}

const VOID = new Set(['br', 'hr', 'img', 'input']);

export function htmlShape(html: string): HtmlShape {
  const elements: string[] = [];
  const tables: number[][] = [];
  const codeBlocks: string[] = [];
  const impliedCloses: string[] = [];
  let prose = '';
  let inCode = 0;
  let inPre = false;
  let block = '';
  let cells = 0;
  let detailsDepth = 0;
  let unbalanced = 0;
  let details = 0;
  let withSummary = 0;
  let justOpenedDetails = false;
  const parser = new Parser(
    {
      onopentag(name) {
        elements.push(name);
        if (name === 'summary' && justOpenedDetails) withSummary++;
        justOpenedDetails = name === 'details';
        if (name === 'details') {
          details++;
          detailsDepth++;
        }
        if (name === 'table') tables.push([]);
        if (name === 'tr') cells = 0;
        if (name === 'td' || name === 'th') cells++;
        if (name === 'code') inCode++;
        if (name === 'pre') {
          inPre = true;
          block = '';
        }
      },
      ontext(text) {
        if (text.trim() !== '') justOpenedDetails = false;
        if (inPre) block += text;
        else if (inCode === 0) prose += text;
      },
      onclosetag(name, isImplied) {
        if (isImplied && !VOID.has(name)) impliedCloses.push(name);
        if (name === 'details') {
          if (detailsDepth === 0) unbalanced++;
          else detailsDepth--;
        }
        if (name === 'tr') tables[tables.length - 1]?.push(cells);
        if (name === 'code') inCode--;
        if (name === 'pre') {
          inPre = false;
          codeBlocks.push(block);
        }
        prose += ' ';
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return {
    elements,
    tables,
    codeBlocks,
    prose,
    impliedCloses,
    unbalancedDetails: unbalanced + detailsDepth,
    detailsWithSummary: withSummary,
    details,
  };
}
