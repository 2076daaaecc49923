// The HTML report's one script: fixed text, allowed by its hash in the page's Content-Security-Policy
// (with Trusted Types required, so it could not turn a string into markup even by mistake).
//
// It unpacks the findings from the page's data block (html-data.ts: gzipped JSON in base64, through
// the browser's DecompressionStream), draws them a page at a time with the same markup the
// renderer writes for the first page (render-html.ts; a browser test checks that the two agree),
// filters them, and copies fix commands. It builds every element with createElement and puts every
// text in a text node: no innerHTML, no report data in the script. ES2017 syntax, no modules: runs
// from file:// in any current browser (DecompressionStream: Chrome 80, Firefox 113, Safari 16.4;
// without it the first page stays, with a note).
import { SEVERITIES } from '../rules-kit/types.js';
import { SEVERITY_LABEL } from './describe.js';
import { PAGE_FINDINGS, RESOURCE_LABEL, RESOURCE_TYPES } from './html-data.js';

const constants = [
  `var SEVERITIES = ${JSON.stringify(SEVERITIES)};`,
  `var SEVERITY_LABEL = ${JSON.stringify(SEVERITIES.map((s) => SEVERITY_LABEL[s]))};`,
  `var KIND = ${JSON.stringify(RESOURCE_TYPES.map((t) => RESOURCE_LABEL[t]))};`,
  `var PAGE = ${PAGE_FINDINGS};`,
].join('\n  ');

export const SCRIPT = `
(function () {
  'use strict';
  ${constants}

  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('button.copy') : null;
    if (!button) return;
    var code = button.parentNode.querySelector('code');
    var done = function (label) {
      button.textContent = label;
      setTimeout(function () { button.textContent = 'Copy'; }, 1500);
    };
    var select = function () {
      var range = document.createRange();
      range.selectNodeContents(code);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      done('Press Ctrl+C');
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.textContent).then(function () { done('Copied'); }, select);
    } else {
      select();
    }
  });
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('details'), function (d) { d.open = true; });
  });

  var form = document.getElementById('filters');
  var source = document.getElementById('sg-audit-data');
  if (!form || !source) return;
  var data;
  var S;
  var hasBaseline;

  // An element: attributes set as values (never parsed), children as nodes or text nodes.
  var el = function (tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (name) { e.setAttribute(name, attrs[name]); });
    if (children) {
      children.forEach(function (child) {
        if (child === null || child === undefined || child === '') return;
        e.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      });
    }
    return e;
  };
  var code = function (text) { return el('code', null, [text]); };
  var num = function (n) { return n.toLocaleString('en-US'); };
  var badge = function (severity) {
    return el('span', { class: 'badge sev-' + SEVERITIES[severity] }, [SEVERITY_LABEL[severity]]);
  };
  // Text whose backticked parts are code.
  var withCode = function (text) {
    return text.split('\\u0060').map(function (part, i) { return i % 2 === 1 ? code(part) : part; });
  };
  var fact = function (label, value) {
    return el('div', null, [el('dt', null, [label]), el('dd', null, value)]);
  };
  var idList = function (ids, more) {
    var parts = [];
    ids.forEach(function (id, i) {
      if (i > 0) parts.push(', ');
      parts.push(code(id));
    });
    if (more > 0) parts.push(', and ' + num(more) + ' more');
    return parts;
  };

  var resourceSection = function (list, group) {
    var r = data.resources[group[0]];
    var id = 'res-' + list + '-' + group[0];
    var worst = SEVERITIES.length - 1;
    group[1].forEach(function (f) { worst = Math.min(worst, f[1]); });
    var facts = [fact('Account', [code(S[r[3]])]), fact('Region', [code(S[r[4]])])];
    if (r[5] !== 0) facts.push(fact('VPC', [code(S[r[5]])]));
    facts.push(fact('Used by', [S[r[7]]]));
    if (r[8].length > 0) facts.push(fact('Instances', idList(r[8], r[9])));
    if (r[10].length > 0) facts.push(fact('Public IPs', idList(r[10], r[11])));
    facts.push(fact('ARN', [code(r[6])]));
    var title = [el('span', { class: 'resource-kind' }, [KIND[r[0]]]), ' ', el('code', { class: 'resource-id' }, [r[1]])];
    if (r[2] !== '') title.push(' ', el('span', { class: 'resource-name' }, [r[2]]));
    var children = [el('header', { class: 'resource-head' }, [el('h3', { id: id }, title), el('dl', { class: 'facts' }, facts)])];
    group[1].forEach(function (f) { children.push(findingArticle(f)); });
    return el('section', { class: 'resource worst-' + SEVERITIES[worst], 'data-resource': r[1], 'aria-labelledby': id }, children);
  };

  var findingArticle = function (f) {
    var rule = data.rules[f[0]];
    var severity = SEVERITIES[f[1]];
    var mark = f[2] > 0 ? data.marks[f[2] - 1] : null;
    var attrs = {
      class: 'finding sev-' + severity + (mark ? ' is-suppressed' : ''),
      'data-severity': severity,
      'data-rule': rule[0],
      'data-suppressed': mark ? 'true' : 'false',
    };
    if (hasBaseline) attrs['data-baseline'] = f[3] === 1 ? 'new' : 'unchanged';
    var head = [badge(f[1])];
    if (f[3] === 1) head.push(el('span', { class: 'badge flag-new' }, ['New']));
    if (mark) head.push(el('span', { class: 'badge flag-suppressed' }, ['Suppressed']));
    var link = /^[a-z0-9-]+$/.test(rule[0])
      ? el('a', { class: 'rule-id', href: '#rule-' + rule[0] }, [rule[0]])
      : el('span', { class: 'rule-id' }, [rule[0]]);
    head.push(el('h4', null, [link, ' ', el('span', { class: 'rule-title' }, [rule[1]])]));
    var parts = [el('header', { class: 'finding-head' }, head), el('p', { class: 'message' }, [f[4]])];
    if (mark) {
      var details = [];
      if (mark[1] !== '') details.push('owner ', el('strong', null, [mark[1]]), ' · ');
      if (mark[2] !== '') details.push('expires ', el('strong', null, [mark[2]]), ' · ');
      details.push(code('suppressions[' + mark[3] + ']'));
      parts.push(el('p', { class: 'suppression' }, [
        el('strong', null, ['Suppressed:']), ' ' + mark[0] + ' ',
        el('span', { class: 'muted' }, ['('].concat(details, [')'])),
      ]));
    }
    if (f[6].length > 0) parts.push(permissionsTable(f[6]));
    var fix = [el('p', null, [el('strong', null, ['Fix:']), ' '].concat(withCode(rule[2])))];
    if (f[5] !== '') {
      fix.push(el('div', { class: 'command' }, [
        el('pre', null, [code(f[5])]),
        el('button', { type: 'button', class: 'copy' }, ['Copy']),
      ]));
    }
    parts.push(el('div', { class: 'fix' }, fix));
    if (f[7] !== 0) {
      parts.push(el('details', { class: 'evidence' }, [
        el('summary', null, ['Evidence (JSON)']),
        el('pre', null, [JSON.stringify(f[7], null, 2)]),
      ]));
    }
    return el('article', attrs, parts);
  };

  var HEADINGS = ['Direction', 'Protocol', 'Ports', 'Source', 'Description', 'SG rule'];
  var permissionsTable = function (rows) {
    var head = el('tr', null, HEADINGS.map(function (h) { return el('th', { scope: 'col' }, [h]); }));
    var body = rows.map(function (p) {
      return el('tr', null, [
        el('td', null, [S[p[0]]]),
        el('td', null, [S[p[1]]]),
        el('td', null, [S[p[2]]]),
        el('td', null, [code(S[p[3]])]),
        el('td', null, [p[4] !== 0 ? S[p[4]] : el('span', { class: 'none' }, ['none'])]),
        el('td', null, [p[5] !== '' ? code(p[5]) : null]),
      ]);
    });
    return el('div', { class: 'table-wrap' }, [el('table', { class: 'perms' }, [
      el('caption', null, ['Permissions at fault']),
      el('thead', null, [head]),
      el('tbody', null, body),
    ])]);
  };

  // Filters, over the data: severity, rule, text, suppressed, new only.
  var start = function () {
    S = data.strings;
    hasBaseline = data.lists[0].key !== 'all';
    var severityBoxes = Array.prototype.slice.call(form.querySelectorAll('input[name="severity"]'));
    var ruleSelect = document.getElementById('filter-rule');
    var textBox = document.getElementById('filter-text');
    var showSuppressed = document.getElementById('filter-suppressed');
    var newOnly = document.getElementById('filter-new');
    var status = document.getElementById('filter-status');
    var noMatch = document.getElementById('no-match');
    var searchText = new Map();
    var searchable = function (group, f) {
      var text = searchText.get(f);
      if (text === undefined) {
        var r = data.resources[group[0]];
        text = [r[1], r[2], f[4], data.rules[f[0]][0]].join(' ').toLowerCase();
        searchText.set(f, text);
      }
      return text;
    };
    var total = 0;
    var lists = data.lists.map(function (list, i) {
      list.groups.forEach(function (g) { total += g[1].length; });
      var more = document.querySelector('.list-more[data-list="' + i + '"]');
      return {
        index: i,
        groups: list.groups,
        box: document.querySelector('.findings-list[data-list="' + i + '"]'),
        more: more,
        note: more.querySelector('.more-note'),
        button: more.querySelector('button.show-more'),
        count: document.querySelector('.list-count[data-list="' + i + '"]'),
        matched: [],
        matchedFindings: 0,
        shownGroups: 0,
        shownFindings: 0,
      };
    });

    var showPage = function (list) {
      var fragment = document.createDocumentFragment();
      var n = 0;
      while (list.shownGroups < list.matched.length && n < PAGE) {
        var group = list.matched[list.shownGroups++];
        fragment.appendChild(resourceSection(list.index, group));
        n += group[1].length;
      }
      list.shownFindings += n;
      list.box.appendChild(fragment);
      var rest = list.matchedFindings - list.shownFindings;
      list.more.hidden = rest === 0;
      list.note.textContent = 'Showing the first ' + num(list.shownFindings) + ' of ' + num(list.matchedFindings) + ' findings.';
      list.button.textContent = 'Show more (' + num(rest) + ' not shown yet)';
      list.button.hidden = false;
    };

    var apply = function () {
      var severities = SEVERITIES.map(function (s) {
        return severityBoxes.some(function (box) { return box.value === s && box.checked; });
      });
      var rule = ruleSelect.value;
      var query = textBox.value.trim().toLowerCase();
      var suppressedToo = showSuppressed.checked;
      var onlyNew = newOnly ? newOnly.checked : false;
      var keep = function (group, f) {
        return severities[f[1]] &&
          (rule === '' || data.rules[f[0]][0] === rule) &&
          (suppressedToo || f[2] === 0) &&
          (!onlyNew || f[3] === 1) &&
          (query === '' || searchable(group, f).indexOf(query) !== -1);
      };
      var shown = 0;
      lists.forEach(function (list) {
        list.matched = [];
        list.matchedFindings = 0;
        var all = 0;
        list.groups.forEach(function (group) {
          all += group[1].length;
          var findings = group[1].filter(function (f) { return keep(group, f); });
          if (findings.length > 0) {
            list.matched.push([group[0], findings]);
            list.matchedFindings += findings.length;
          }
        });
        list.box.textContent = '';
        list.shownGroups = 0;
        list.shownFindings = 0;
        showPage(list);
        if (list.count) {
          list.count.textContent = list.matchedFindings === all ? '' : ', ' + num(list.matchedFindings) + ' matching the filters';
        }
        shown += list.matchedFindings;
      });
      status.textContent = 'Showing ' + num(shown) + ' of ' + num(total) + ' findings';
      noMatch.hidden = shown !== 0;
    };

    lists.forEach(function (list) {
      list.button.addEventListener('click', function () { showPage(list); });
    });
    form.addEventListener('input', apply);
    form.addEventListener('change', apply);
    form.addEventListener('submit', function (event) { event.preventDefault(); });
    form.addEventListener('reset', function () { setTimeout(apply, 0); });
    form.hidden = false;
    apply();
    document.documentElement.setAttribute('data-ready', 'true');
  };

  // The data: gzipped JSON in base64. Unpacking it loads nothing (a Blob's stream, no fetch).
  var unavailable = function (why) {
    Array.prototype.forEach.call(document.querySelectorAll('.list-more .more-note'), function (note) {
      note.textContent = 'This browser could not unpack the rest of the findings (' + why + '): the most severe are shown above, and the JSON report (--format json) has them all.';
    });
  };
  if (typeof DecompressionStream !== 'function') {
    unavailable('it has no DecompressionStream');
    return;
  }
  var binary = atob(source.textContent.trim());
  var bytes = new Uint8Array(binary.length);
  for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'))).text().then(function (text) {
    data = JSON.parse(text);
    start();
  }).then(null, function (error) {
    unavailable(String(error));
  });
})();
`;
