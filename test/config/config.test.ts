// The config file: parse (YAML / JSON) and validate against the schema and the catalog. Every
// problem is one line naming the file and the key path, with the fix.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RULES } from '../../rules/index.js';
import { parseConfigText } from '../../src/config/parse.js';
import type { AuditConfig } from '../../src/config/types.js';
import { validateConfig } from '../../src/config/validate.js';
import { effectiveRules, selectRules } from '../../src/engine/select.js';
import { isSgAuditError } from '../../src/errors.js';
import type { AnyRule } from '../../src/rules-kit/types.js';
import { FORMATS_RULE } from '../helpers/format-rule.js';

function load(text: string, file = '.sg-audit.yml', catalog: readonly AnyRule[] = RULES): AuditConfig {
  return validateConfig(parseConfigText(text, file), file, catalog);
}

/** The one line main() prints for the error `text` raises: "message — hint". */
function problem(text: string, file = '.sg-audit.yml', catalog: readonly AnyRule[] = RULES): string {
  try {
    load(text, file, catalog);
  } catch (error) {
    assert.ok(isSgAuditError(error), `not an SgAuditError: ${String(error)}`);
    assert.equal(error.exitCode, 2);
    assert.equal(error.kind, 'config');
    const line = `${error.message}${error.hint ? ` — ${error.hint}` : ''}`;
    assert.doesNotMatch(line, /\n/, 'one line');
    return line;
  }
  assert.fail(`expected a config error for:\n${text}`);
}

const formatsRule = FORMATS_RULE;

describe('config: valid files', () => {
  test('the full shape, long and short forms', () => {
    const config = load(`
failOn: medium
rules:
  unused-sg: off
  default-sg-in-use: false
  rdp-open-to-internet: on
  sg-shared-by-all-instances: true
  ssh-open-to-internet: critical
  too-many-open-ports:
    severity: high
    options: { maxOpenPorts: 20 }
  default-sg-has-rules: { enabled: false, severity: low }
suppressions:
  - rule: ssh-open-to-internet
    resource: sg-0123456789abcdef0
    ports: [tcp/22, udp/8000-8100]
    source: 203.0.113.0/24
    reason: Bastion, reviewed by secops (TICKET-123)
    owner: platform-team
    expires: 2026-12-31
    account: "123456789012"
    region: us-east-1
  - rule: unused-sg
    resource: launch-wizard-*
    reason: swept monthly
`);
    assert.equal(config.file, '.sg-audit.yml');
    assert.equal(config.failOn, 'medium');
    assert.deepEqual(Object.fromEntries(config.rules), {
      'unused-sg': { enabled: false },
      'default-sg-in-use': { enabled: false },
      'rdp-open-to-internet': { enabled: true },
      'sg-shared-by-all-instances': { enabled: true },
      'ssh-open-to-internet': { severity: 'critical' },
      'too-many-open-ports': { severity: 'high', options: { maxOpenPorts: 20 } },
      'default-sg-has-rules': { enabled: false, severity: 'low' },
    });
    assert.deepEqual(config.suppressions, [
      {
        index: 0,
        rule: 'ssh-open-to-internet',
        resource: 'sg-0123456789abcdef0',
        ports: [
          { protocol: 'tcp', from: 22, to: 22 },
          { protocol: 'udp', from: 8000, to: 8100 },
        ],
        source: '203.0.113.0/24',
        account: '123456789012',
        region: 'us-east-1',
        reason: 'Bastion, reviewed by secops (TICKET-123)',
        owner: 'platform-team',
        expires: '2026-12-31',
      },
      { index: 1, rule: 'unused-sg', resource: 'launch-wizard-*', reason: 'swept monthly' },
    ]);
  });

  test('an empty file, or one with only comments, is an empty config', () => {
    for (const text of ['', '# nothing yet\n', '{}']) {
      const config = load(text);
      assert.equal(config.failOn, undefined);
      assert.equal(config.rules.size, 0);
      assert.deepEqual(config.suppressions, []);
    }
  });

  test('rules: and suppressions: with every entry commented out are empty', () => {
    const config = load('rules:\n  # unused-sg: off\nsuppressions:\n  # - { rule: unused-sg, resource: "*", reason: r }\n');
    assert.equal(config.rules.size, 0);
    assert.deepEqual(config.suppressions, []);
  });

  test('a JSON config', () => {
    const config = load(
      JSON.stringify({
        failOn: 'critical',
        rules: { 'unused-sg': 'off', 'too-many-open-ports': { options: { maxOpenPorts: 5 } } },
        suppressions: [{ rule: 'unused-sg', resource: '*', reason: 'r', expires: '2026-01-31' }],
      }),
      'sg-audit.json',
    );
    assert.equal(config.failOn, 'critical');
    assert.deepEqual(config.rules.get('unused-sg'), { enabled: false });
    assert.deepEqual(config.suppressions[0]?.expires, '2026-01-31');
  });

  test('exposureContext: false turns severity in context off; absent leaves it to the flag (on)', () => {
    assert.equal(load('exposureContext: false\n').exposureContext, false);
    assert.equal(load('failOn: high\n').exposureContext, undefined);
  });

  test('a source CIDR is kept in canonical form; pl- and sg- ids as written', () => {
    const config = load(`
suppressions:
  - { rule: unused-sg, resource: a, reason: r, source: 203.0.113.7/24 }
  - { rule: unused-sg, resource: b, reason: r, source: "2001:DB8::/32" }
  - { rule: unused-sg, resource: c, reason: r, source: pl-0123456789abcdef0 }
  - { rule: unused-sg, resource: d, reason: r, source: sg-0123456789abcdef0 }
`);
    assert.deepEqual(
      config.suppressions.map((s) => s.source),
      ['203.0.113.0/24', '2001:db8::/32', 'pl-0123456789abcdef0', 'sg-0123456789abcdef0'],
    );
  });

  test('YAML core schema: dates and on/off stay strings', () => {
    assert.deepEqual(parseConfigText('expires: 2026-12-31\nx: off\ny: on\n', 'a.yml'), { expires: '2026-12-31', x: 'off', y: 'on' });
  });
});

describe('config: rule selection with the config', () => {
  const config = load(`
rules:
  unused-sg: off
  ssh-open-to-internet: critical
  too-many-open-ports: { severity: low, options: { maxOpenPorts: 20 } }
`);

  test('a rule turned off does not run; severity and options apply', () => {
    const selected = selectRules(RULES, { only: [], skip: [] }, config.rules);
    const ids = selected.map((r) => r.rule.meta.id);
    assert.ok(!ids.includes('unused-sg'));
    assert.equal(selected.find((r) => r.rule.meta.id === 'ssh-open-to-internet')?.severity, 'critical');
    const tooMany = selected.find((r) => r.rule.meta.id === 'too-many-open-ports');
    assert.equal(tooMany?.severity, 'low');
    assert.deepEqual(tooMany?.options, { maxOpenPorts: 20 });
  });

  test('--rule runs a rule the config turns off (flags win)', () => {
    const selected = selectRules(RULES, { only: ['unused-sg'], skip: [] }, config.rules);
    assert.deepEqual(
      selected.map((r) => r.rule.meta.id),
      ['unused-sg'],
    );
  });

  test('options merge over the defaults; a list replaces the default list', () => {
    const withPorts = load('rules:\n  ssh-open-to-internet: { options: { ports: [2222] } }\n');
    const ssh = effectiveRules(RULES, withPorts.rules).find((r) => r.rule.meta.id === 'ssh-open-to-internet');
    assert.deepEqual(ssh?.options, { ports: [2222] });
  });

  test('effectiveRules covers every catalog rule, turned off or not', () => {
    const all = effectiveRules(RULES, config.rules);
    assert.deepEqual(
      all.map((r) => r.rule.meta.id),
      RULES.map((r) => r.meta.id),
    );
    assert.deepEqual(all.find((r) => r.rule.meta.id === 'unused-sg')?.options, RULES.find((r) => r.meta.id === 'unused-sg')?.meta.options?.defaults ?? {});
  });

  test('turning every rule off leaves nothing to run: a usage error', () => {
    const off = new Map(RULES.map((r) => [r.meta.id, { enabled: false }]));
    assert.throws(() => selectRules(RULES, { only: [], skip: [] }, off), /no rules left to run/);
  });
});

describe('config: every problem is one line naming the file, the key path and the fix', () => {
  const cases: { name: string; text: string; file?: string; catalog?: readonly AnyRule[]; error: RegExp }[] = [
    {
      name: 'unknown rule id, with a suggestion',
      text: 'rules:\n  ssh-open-to-internt: off\n',
      error: /^\.sg-audit\.yml: rules\.ssh-open-to-internt: unknown rule id — did you mean "ssh-open-to-internet"\? \(sg-audit rules lists them\)$/,
    },
    {
      name: 'unknown rule id, nothing close',
      text: 'rules:\n  completely-different-thing: off\n',
      error: /^\.sg-audit\.yml: rules\.completely-different-thing: unknown rule id — sg-audit rules lists the rule ids$/,
    },
    {
      name: 'bad option type',
      text: 'rules:\n  too-many-open-ports:\n    options: { maxOpenPorts: "20" }\n',
      error: /^\.sg-audit\.yml: rules\.too-many-open-ports\.options\.maxOpenPorts: must be integer — sg-audit explain too-many-open-ports lists its options$/,
    },
    {
      name: 'bad option value in a list',
      text: 'rules:\n  ssh-open-to-internet: { options: { ports: [22, "2222"] } }\n',
      error: /: rules\.ssh-open-to-internet\.options\.ports\[1\]: must be integer — /,
    },
    {
      name: 'option out of range',
      text: 'rules:\n  ssh-open-to-internet: { options: { ports: [70000] } }\n',
      error: /: rules\.ssh-open-to-internet\.options\.ports\[0\]: must be <= 65535/,
    },
    {
      name: 'unknown option, with a suggestion',
      text: 'rules:\n  too-many-open-ports: { options: { maxOpenPort: 5 } }\n',
      error: /: rules\.too-many-open-ports\.options\.maxOpenPort: unknown option — did you mean "maxOpenPorts"\? \(options: maxOpenPorts\); sg-audit explain too-many-open-ports lists its options$/,
    },
    {
      name: 'a bad CIDR in broad-public-source.options.trusted',
      text: 'rules:\n  broad-public-source:\n    options: { trusted: [52.94.0.0/16, 52.94.0.0/33] }\n',
      error: /^\.sg-audit\.yml: rules\.broad-public-source\.options\.trusted\[1\]: "52\.94\.0\.0\/33" is not a CIDR \(IPv4 or IPv6, e\.g\. 10\.0\.0\.0\/8 or 2001:db8::\/32\) — sg-audit explain broad-public-source lists its options$/,
    },
    {
      name: 'a bad CIDR in a cidr-format option',
      text: 'rules:\n  format-test: { options: { trusted: [10.0.0.0/8, 10.0.0.0/33] } }\n',
      catalog: [formatsRule],
      error: /: rules\.format-test\.options\.trusted\[1\]: "10\.0\.0\.0\/33" is not a CIDR \(IPv4 or IPv6/,
    },
    {
      name: 'a bad port spec in a port-spec option',
      text: 'rules:\n  format-test: { options: { allowed: [tcp/80, tcp/90-80] } }\n',
      catalog: [formatsRule],
      error: /: rules\.format-test\.options\.allowed\[1\]: "tcp\/90-80" is not a port spec/,
    },
    {
      name: 'a rule setting that is none of the forms',
      text: 'rules:\n  unused-sg: offf\n',
      error: /: rules\.unused-sg: "offf" is not off, on, a severity \(critical\|high\|medium\|low\|info\) or a map of severity, options and enabled — e\.g\./,
    },
    {
      name: 'a rule setting that is a number',
      text: 'rules:\n  unused-sg: 3\n',
      error: /: rules\.unused-sg: must be off, on, a severity .* not a number/,
    },
    {
      name: 'a misspelt key in a rule setting',
      text: 'rules:\n  unused-sg: { sevrity: high }\n',
      error: /: rules\.unused-sg\.sevrity: unknown key — did you mean "severity"\? \(keys: enabled, severity, options\)$/,
    },
    {
      name: 'a bad severity',
      text: 'rules:\n  unused-sg: { severity: hgh }\n',
      error: /: rules\.unused-sg\.severity: "hgh" is not a severity \(critical\|high\|medium\|low\|info\)/,
    },
    { name: 'options must be a map', text: 'rules:\n  unused-sg: { options: [1] }\n', error: /: rules\.unused-sg\.options: must be a map of option names to values, not a list/ },
    { name: 'an empty failOn', text: 'failOn:\n', error: /^\.sg-audit\.yml: failOn: is empty — the lowest severity that fails the run/ },
    {
      name: 'exposureContext that is not a boolean',
      text: 'exposureContext: off\n',
      error: /^\.sg-audit\.yml: exposureContext: "off" is not true or false — false reports open groups at full severity/,
    },
    { name: 'a bad failOn', text: 'failOn: hgh\n', error: /^\.sg-audit\.yml: failOn: "hgh" is not a severity \(critical\|high\|medium\|low\|info\) or none — / },
    {
      name: 'an unknown top-level key, with a suggestion',
      text: 'failon: high\n',
      error: /^\.sg-audit\.yml: failon: unknown key — did you mean "failOn"\? \(keys: failOn, exposureContext, rules, suppressions\)$/,
    },
    { name: 'rules must be a map', text: 'rules: [unused-sg]\n', error: /: rules: must be a map of rule ids to settings, not a list/ },
    { name: 'the file must be a map', text: '- unused-sg\n', error: /^\.sg-audit\.yml: must be a map with failOn, exposureContext, rules and suppressions, not a list/ },
    { name: 'suppressions must be a list', text: 'suppressions:\n  rule: unused-sg\n', error: /: suppressions: must be a list of suppressions, not a map/ },
    {
      name: 'a suppression without a reason',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: ok }\n  - { rule: unused-sg, resource: b }\n',
      error: /^\.sg-audit\.yml: suppressions\[1\]\.reason: is required — say why this finding is accepted/,
    },
    {
      name: 'a suppression with an empty reason',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: "   " }\n',
      error: /: suppressions\[0\]\.reason: is empty — say why this finding is accepted/,
    },
    {
      name: 'a suppression with a null reason',
      text: 'suppressions:\n  - rule: unused-sg\n    resource: a\n    reason:\n',
      error: /: suppressions\[0\]\.reason: is empty — /,
    },
    { name: 'a suppression without a rule', text: 'suppressions:\n  - { resource: a, reason: r }\n', error: /: suppressions\[0\]\.rule: is required — / },
    { name: 'a suppression without a resource', text: 'suppressions:\n  - { rule: unused-sg, reason: r }\n', error: /: suppressions\[0\]\.resource: is required — / },
    {
      name: 'a suppression for an unknown rule',
      text: 'suppressions:\n  - { rule: ssh-open-to-internt, resource: a, reason: r }\n',
      error: /: suppressions\[0\]\.rule: unknown rule id "ssh-open-to-internt" — did you mean "ssh-open-to-internet"\?/,
    },
    {
      name: 'an unknown key in a suppression, with a suggestion',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, expiry: 2026-01-01 }\n',
      error: /: suppressions\[0\]\.expiry: unknown key — did you mean "expires"\? \(keys: rule, resource, ports, source, reason, owner, expires, account, region\)$/,
    },
    {
      name: 'a month that does not exist',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, expires: 2026-13-01 }\n',
      error: /^\.sg-audit\.yml: suppressions\[0\]\.expires: "2026-13-01" is not a date \(YYYY-MM-DD\) — /,
    },
    {
      name: 'a day that does not exist',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, expires: 2026-02-30 }\n',
      error: /: suppressions\[0\]\.expires: "2026-02-30" is not a date \(YYYY-MM-DD\)/,
    },
    {
      name: 'a date in another format',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, expires: 31/12/2026 }\n',
      error: /: suppressions\[0\]\.expires: "31\/12\/2026" is not a date \(YYYY-MM-DD\)/,
    },
    {
      name: 'a bad source CIDR',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, source: 10.0.0.0/33 }\n',
      error: /^\.sg-audit\.yml: suppressions\[0\]\.source: "10\.0\.0\.0\/33" is not a CIDR, pl- or sg- id — /,
    },
    {
      name: 'a source that is neither CIDR nor id',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, source: office }\n',
      error: /: suppressions\[0\]\.source: "office" is not a CIDR, pl- or sg- id/,
    },
    {
      name: 'a bad port spec',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, ports: [tcp/22, tcp/99999] }\n',
      error: /: suppressions\[0\]\.ports\[1\]: "tcp\/99999" is not a port spec \(tcp\/22, udp\/53 or tcp\/8000-8100; ports 0-65535\) — /,
    },
    {
      name: 'a bare port number',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, ports: [22] }\n',
      error: /: suppressions\[0\]\.ports\[0\]: must be a port spec .* not a number/,
    },
    {
      name: 'an unquoted account id (YAML reads a number)',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, account: 012345678901 }\n',
      error: /: suppressions\[0\]\.account: must be a 12-digit account id, not a number — quote it/,
    },
    {
      name: 'a bad region',
      text: 'suppressions:\n  - { rule: unused-sg, resource: a, reason: r, region: US East }\n',
      error: /: suppressions\[0\]\.region: "US East" is not a region name/,
    },
    {
      name: 'YAML syntax error, with line and column',
      text: 'rules:\n  unused-sg: off\n    ssh-open-to-internet: off\n',
      error: /^\.sg-audit\.yml:2:\d+: invalid YAML: .+ — fix the syntax/,
    },
    { name: 'YAML: an unclosed flow list', text: 'rules: { a: [1, 2\n', error: /^\.sg-audit\.yml:\d+:\d+: invalid YAML: / },
    { name: 'YAML: a repeated key', text: 'failOn: high\nfailOn: low\n', error: /^\.sg-audit\.yml:2:1: invalid YAML: Map keys must be unique/ },
    { name: 'YAML: an unknown tag', text: 'failOn: !sev high\n', error: /^\.sg-audit\.yml:1:9: invalid YAML: Unresolved tag: !sev/ },
    { name: 'YAML: an alias to no anchor', text: 'failOn: *sev\n', error: /^\.sg-audit\.yml(:\d+:\d+)?: invalid YAML: / },
    { name: 'YAML: several documents', text: 'failOn: high\n---\nfailOn: low\n', error: /^\.sg-audit\.yml:2:1: invalid YAML: / },
    { name: 'JSON syntax error, with line and column', text: '{\n  "failOn": "high",\n}\n', file: 'sg.json', error: /^sg\.json:3:1: invalid JSON: .+ — fix the syntax/ },
    { name: 'JSON: a repeated key', text: '{"failOn": "high", "failOn": "low"}', file: 'sg.json', error: /^sg\.json:1:\d+: invalid JSON: Map keys must be unique/ },
    { name: 'JSON is strict about values too', text: '{ "rules": { "unused-sg": off } }', file: 'sg.json', error: /^sg\.json:1:\d+: invalid JSON: / },
  ];
  const names = new Set<string>();
  for (const c of cases) {
    assert.ok(!names.has(c.name), `duplicate case name ${c.name}`);
    names.add(c.name);
    test(c.name, () => assert.match(problem(c.text, c.file, c.catalog), c.error));
  }

  test('the first problem is the one reported', () => {
    assert.match(problem('rules:\n  nope-one: off\n  nope-two: off\n'), /rules\.nope-one:/);
  });

  test('odd keys are quoted in the key path', () => {
    assert.match(problem('rules:\n  "bad key.x": off\n'), /: rules\["bad key\.x"\]: unknown rule id/);
  });
});
