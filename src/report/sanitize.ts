// Security group names, descriptions and tags are attacker-controlled: whoever can create a
// group can put escape sequences, formulas or markup in them. Every renderer passes such text
// through the function for its format.

// C0 controls (incl. ESC, CR, LF, TAB), DEL, C1 controls (incl. 8-bit CSI U+009B), bidi
// overrides/isolates and marks, line/paragraph separators, BOM and zero-width characters.
const UNSAFE_TEXT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const UNSAFE_JSON = /[\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

function escapeCodePoint(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
}

/**
 * For a terminal (and any plain-text format): control and invisible characters are shown as
 * visible escapes (`\x1b[31m`) instead of being interpreted, so tampering is seen, not obeyed.
 */
export function forTerminal(text: string): string {
  return text.replace(UNSAFE_TEXT, escapeCodePoint);
}

/**
 * JSON.stringify escapes C0 controls but leaves C1 controls, bidi overrides and U+2028/9
 * raw; a report `cat` to a terminal must not carry them. Escaping them keeps the JSON exact.
 */
export function escapeJsonText(json: string): string {
  // C0 controls never appear raw inside JSON strings; outside them they are the indentation.
  return json.replace(UNSAFE_JSON, (ch) => `\\u${(ch.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

/** Shortens to `max` characters with an ellipsis (after sanitizing, so escapes are not cut in half). */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

const XML_SPECIAL: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text for XML or HTML, in element content or a quoted attribute: controls and invisible
 * characters shown as visible escapes (forTerminal; most C0 controls are not even legal XML 1.0),
 * then markup characters as entities.
 */
export function forXml(text: string): string {
  return forTerminal(text).replace(/[&<>"']/g, (ch) => XML_SPECIAL[ch] as string);
}

/** The same escaping serves HTML text and attribute values. */
export const forHtml = forXml;

// What a spreadsheet reads as the start of a formula (OWASP CSV injection), fullwidth forms included.
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * One CSV field (RFC 4180): controls shown as escapes, a leading formula character neutralized
 * with an apostrophe so Excel, LibreOffice and Google Sheets show the text instead of running it,
 * and always quoted.
 */
export function csvField(text: string): string {
  // The formula check runs on the raw text: a leading tab or CR is a formula start that forTerminal would rewrite.
  const guarded = FORMULA_START.test(text) ? `'${text}` : text;
  return `"${forTerminal(guarded).replace(/"/g, '""')}"`;
}

/**
 * Text inside a Markdown table cell or paragraph (GitHub Flavored Markdown, which also renders
 * inline HTML): controls as escapes, HTML as entities, Markdown punctuation backslash-escaped
 * (so `|` cannot split a cell nor `[x](javascript:…)` make a link), a zero-width space after `@`
 * and `#` so a group name cannot mention (notify) people nor reference an issue in a PR comment,
 * and no bare URL left to autolink.
 */
export function forMarkdown(text: string): string {
  return forTerminal(text)
    .replace(/[&<>"]/g, (ch) => XML_SPECIAL[ch] as string)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    // GitHub links @user and #123 in the rendered text, where an entity or a backslash escape no
    // longer shows (github/cmark-gfm#181): only a character between the sign and the name stops it.
    .replace(/@/g, '&#64;&#8203;')
    .replace(/\\#/g, '\\#&#8203;')
    // GitHub turns bare https://… and www.… text into links; a zero-width space breaks both.
    .replace(/:\/\//g, ':&#8203;//')
    .replace(/\bwww\\\./gi, (w) => `${w.slice(0, 3)}&#8203;${w.slice(3)}`);
}
