// The HTML report's style sheet: fixed text, allowed by its hash in the page's Content-Security-Policy.
// Light and dark (prefers-color-scheme), narrow screens and print. It loads nothing (no url(), no fonts).
export const STYLE = `
:root {
  color-scheme: light dark;
  --bg: #f6f7f9; --surface: #ffffff; --text: #1f2328; --muted: #59636e; --border: #d8dee4; --code-bg: #eff1f3;
  --accent: #0b63c5; --pass: #1a7f37; --fail: #cf222e;
  --critical: #8b0d23; --high: #d1242f; --medium: #b35900; --low: #0969da; --info: #6e7781;
  --critical-bg: #ffe2e5; --high-bg: #ffebe9; --medium-bg: #fff1d6; --low-bg: #ddf4ff; --info-bg: #eaeef2;
  --font: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  --mono: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --surface: #161b22; --text: #e6edf3; --muted: #9198a1; --border: #30363d; --code-bg: #21262d;
    --accent: #4493f8; --pass: #3fb950; --fail: #f85149;
    --critical: #ff6b81; --high: #f85149; --medium: #e3b341; --low: #58a6ff; --info: #9198a1;
    --critical-bg: #3d0d17; --high-bg: #3d1214; --medium-bg: #3a2a05; --low-bg: #0c2d52; --info-bg: #262c33;
  }
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.5 var(--font); }
main, .page-head { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); font-size: 0.88em; }
code { background: var(--code-bg); border-radius: 4px; padding: 0.1em 0.35em; overflow-wrap: break-word; }
pre { background: var(--code-bg); border: 1px solid var(--border); border-radius: 6px; padding: 10px 12px; margin: 0; overflow-x: auto; white-space: pre-wrap; overflow-wrap: break-word; }
pre code { background: none; padding: 0; font-size: 1em; }
h1, h2, h3, h4 { line-height: 1.25; }
h1 { font-size: 1.75rem; margin: 0; }
h2 { font-size: 1.3rem; margin: 2rem 0 0.75rem; padding-bottom: 0.3rem; border-bottom: 1px solid var(--border); }
h3 { font-size: 1.05rem; margin: 0; }
h4 { font-size: 0.98rem; margin: 0; font-weight: 600; }
.muted, .none { color: var(--muted); font-weight: normal; }
.page-head { padding-top: 24px; }
.title-row { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
.verdict { font-weight: 700; letter-spacing: 0.06em; padding: 3px 12px; border-radius: 999px; font-size: 0.95rem; border: 2px solid currentColor; }
.verdict-pass { color: var(--pass); }
.verdict-fail { color: var(--fail); }
.verdict-incomplete { color: var(--medium); }
.verdict-text { font-size: 1.05rem; margin: 8px 0 14px; }
dl.facts { display: flex; flex-wrap: wrap; gap: 6px 22px; margin: 0; }
dl.facts div { min-width: 0; }
dl.facts dt { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.inputs { margin-top: 10px; font-size: 0.9rem; }
.inputs ul { margin: 6px 0; padding-left: 20px; columns: 2 28em; }
.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 14px; padding: 8px 0; border-top: 1px solid var(--border); font-size: 0.92rem; }
.cards { list-style: none; display: grid; grid-template-columns: repeat(auto-fill, minmax(120px, 1fr)); gap: 10px; padding: 0; margin: 0; }
.card { background: var(--surface); border: 1px solid var(--border); border-left: 6px solid var(--info); border-radius: 8px; padding: 10px 14px; display: flex; flex-direction: column; }
.card .count { font-size: 1.8rem; font-weight: 700; line-height: 1.1; font-variant-numeric: tabular-nums; }
.card .label { font-size: 0.85rem; color: var(--muted); }
.card.is-zero .count { color: var(--muted); }
.card.other { border-left-color: var(--border); }
.card.is-error { border-left-color: var(--fail); }
.card.sev-critical { border-left-color: var(--critical); }
.card.sev-high { border-left-color: var(--high); }
.card.sev-medium { border-left-color: var(--medium); }
.card.sev-low { border-left-color: var(--low); }
.card.sev-info { border-left-color: var(--info); }
.fixed-title { margin: 18px 0 0; }
.totals { color: var(--muted); margin: 10px 0 0; }
.totals span { color: var(--text); font-weight: 600; }
.display-note { margin: 12px 0; color: var(--muted); font-style: italic; }
.warnings { margin: 12px 0 0; padding: 10px 14px 10px 32px; background: var(--medium-bg); border-radius: 6px; }
.badge { display: inline-block; font-size: 0.72rem; font-weight: 700; letter-spacing: 0.04em; text-transform: uppercase; padding: 2px 8px; border-radius: 999px; white-space: nowrap; border: 1px solid transparent; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.badge.sev-critical { background: var(--critical); color: #fff; }
.badge.sev-high { background: var(--high); color: #fff; }
.badge.sev-medium { background: var(--medium-bg); color: var(--medium); border-color: var(--medium); }
.badge.sev-low { background: var(--low-bg); color: var(--low); border-color: var(--low); }
.badge.sev-info { background: var(--info-bg); color: var(--info); border-color: var(--info); }
.badge.flag-new { background: var(--accent); color: #fff; }
.badge.flag-suppressed { background: var(--info-bg); color: var(--muted); border-color: var(--border); }
.filters { position: sticky; top: 0; z-index: 2; display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; box-shadow: 0 2px 6px rgba(0,0,0,0.06); }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; }
.filters legend { float: left; margin-right: 8px; font-size: 0.85rem; color: var(--muted); }
.filters .check { display: inline-flex; align-items: center; gap: 5px; cursor: pointer; white-space: nowrap; }
.filters .field { display: inline-flex; align-items: center; gap: 6px; font-size: 0.9rem; color: var(--muted); }
.filters .grow { flex: 1 1 220px; }
.filters .grow input { flex: 1; min-width: 0; }
.filters select { max-width: 22em; }
.filters input[type=search], .filters select, .filters button { font: inherit; font-size: 0.9rem; color: var(--text); background: var(--bg); border: 1px solid var(--border); border-radius: 6px; padding: 4px 8px; }
.filters button { cursor: pointer; }
.filters .n { color: var(--muted); font-size: 0.85rem; font-variant-numeric: tabular-nums; }
#filter-status { font-size: 0.85rem; color: var(--muted); margin-left: auto; }
.resource { background: var(--surface); border: 1px solid var(--border); border-left: 6px solid var(--info); border-radius: 8px; margin: 0 0 16px; overflow: hidden; }
.resource.worst-critical { border-left-color: var(--critical); }
.resource.worst-high { border-left-color: var(--high); }
.resource.worst-medium { border-left-color: var(--medium); }
.resource.worst-low { border-left-color: var(--low); }
.resource-head { padding: 12px 16px; border-bottom: 1px solid var(--border); }
.resource-head h3 { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; margin-bottom: 6px; }
.resource-kind { font-size: 0.75rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); font-weight: 600; }
.resource-id { font-size: 0.95rem; }
.resource-name { font-weight: 600; overflow-wrap: anywhere; min-width: 0; }
.resource-head dl.facts { font-size: 0.88rem; gap: 4px 20px; }
.finding { padding: 12px 16px 14px; border-top: 1px solid var(--border); }
.finding:first-of-type { border-top: 0; }
.finding.is-suppressed { background: repeating-linear-gradient(135deg, transparent 0 12px, rgba(127,127,127,0.05) 12px 24px); }
.finding.is-suppressed .message, .finding.is-suppressed h4 { opacity: 0.8; }
.finding-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 8px; }
.finding-head h4 { flex: 1 1 300px; }
.rule-id { font-family: var(--mono); font-size: 0.9em; font-weight: 600; }
a.rule-id { text-decoration: none; }
a.rule-id:hover { text-decoration: underline; }
.rule-title { font-weight: 400; color: var(--muted); }
.message { margin: 8px 0; overflow-wrap: anywhere; }
.suppression { margin: 8px 0; padding: 6px 10px; border-left: 3px solid var(--muted); background: var(--info-bg); border-radius: 0 6px 6px 0; font-size: 0.92rem; overflow-wrap: anywhere; }
.fix { margin-top: 10px; }
.fix p { margin: 0 0 6px; }
.command { position: relative; }
.command pre { padding-right: 70px; }
.copy { position: absolute; top: 6px; right: 6px; font: inherit; font-size: 0.78rem; padding: 2px 10px; border-radius: 6px; border: 1px solid var(--border); background: var(--surface); color: var(--text); cursor: pointer; }
.copy:hover { border-color: var(--accent); }
details.evidence { margin-top: 8px; font-size: 0.9rem; }
details summary { cursor: pointer; color: var(--muted); }
details.evidence pre { margin-top: 6px; max-height: 360px; overflow: auto; }
.table-wrap { overflow-x: auto; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
caption { text-align: left; font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; color: var(--muted); padding-bottom: 4px; }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--border); overflow-wrap: break-word; }
th { font-weight: 600; background: var(--code-bg); }
table.data { background: var(--surface); border: 1px solid var(--border); }
table.perms td:nth-child(-n+3) { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.nowrap { white-space: nowrap; }
table.rules { table-layout: fixed; }
.rules th:nth-child(1) { width: 7.5em; }
.rules th:nth-child(2) { width: 22%; }
.rules th:nth-child(4) { width: 22%; }
.rules th:nth-child(5) { width: 8.5em; }
.rules .checks span { display: block; white-space: nowrap; }
.rules .rule-name { margin: 4px 0 0; }
.refs { margin: 6px 0 0; color: var(--muted); font-size: 0.85rem; }
.check-fail { color: var(--fail); }
.check-pass { color: var(--pass); }
.check-error { color: var(--fail); font-weight: 700; }
.status { font-weight: 600; }
.status-expired, .status-unused { color: var(--medium); }
.status-active { color: var(--pass); }
.list-more { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 16px; margin: 0 0 16px; padding: 12px 16px; background: var(--surface); border: 1px dashed var(--border); border-radius: 8px; }
.more-note { margin: 0; color: var(--muted); flex: 1 1 320px; }
noscript .more-note { margin: 0 0 16px; padding: 10px 14px; background: var(--surface); border: 1px dashed var(--border); border-radius: 8px; }
.show-more { font: inherit; font-size: 0.92rem; padding: 6px 16px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
.show-more:hover { filter: brightness(1.1); }
.list-section { margin: 0 0 20px; }
.list-title { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 10px; font-size: 1.1rem; margin: 18px 0 12px; }
details.fold > summary { list-style: none; display: flex; align-items: center; gap: 8px; padding: 10px 14px; background: var(--surface); border: 1px solid var(--border); border-radius: 8px; margin-bottom: 12px; }
details.fold > summary::-webkit-details-marker { display: none; }
details.fold > summary::before { content: "\\25B8"; color: var(--muted); }
details.fold[open] > summary::before { content: "\\25BE"; }
details.fold > summary .list-title { margin: 0; color: var(--text); }
.card.is-new { border-left-color: var(--accent); }
.card.is-fixed { border-left-color: var(--pass); }
.empty { padding: 16px; background: var(--surface); border: 1px dashed var(--border); border-radius: 8px; color: var(--muted); }
footer.page-foot { max-width: 1180px; margin: 32px auto 0; padding: 0 20px 24px; color: var(--muted); font-size: 0.85rem; }
footer.page-foot p { margin: 0; padding-top: 12px; border-top: 1px solid var(--border); }
@media (max-width: 640px) {
  body { font-size: 14px; }
  main, .page-head { padding: 0 12px; }
  .page-head { padding-top: 16px; }
  .filters { position: static; }
  #filter-status { margin-left: 0; }
  .finding, .resource-head { padding-left: 12px; padding-right: 12px; }
}
@media print {
  :root { --bg: #fff; --surface: #fff; --text: #000; --muted: #444; --border: #bbb; --code-bg: #f3f3f3; }
  body { font-size: 11pt; }
  .filters, .copy, .toc, .show-more { display: none !important; }
  .card, .finding, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  pre { white-space: pre-wrap; max-height: none !important; }
}
`;
