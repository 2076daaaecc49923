// Commander wiring only: commands, flags, help text. What the commands do lives in commands.ts.
import { Command, Help, Option } from 'commander';
import { FORMATS } from '../report/formats.js';
import { SEVERITIES } from '../rules-kit/types.js';

/** `sg-audit rules --format`. */
export const RULE_LIST_FORMATS = ['table', 'json'] as const;
export type RuleListFormat = (typeof RULE_LIST_FORMATS)[number];

export interface LiveFlags {
  profile?: string;
  region?: string[];
  endpointUrl?: string;
  /** A role to assume; `{account}` stands for each of --accounts. */
  roleArn?: string;
  /** Account ids, or ["organization"]. */
  accounts?: string[];
  externalId?: string;
  /** --max-pages: pages one paginated call may take (also SG_AUDIT_MAX_PAGES). */
  maxPages?: string;
  /** --sweep-timeout: time one data kind may take per account × region (also SG_AUDIT_SWEEP_TIMEOUT). */
  sweepTimeout?: string;
}

export interface AuditFlags extends LiveFlags {
  input?: string[];
  /** With a plan or template as --input: the account around it, as saved files (docs/plans.md). */
  context?: string[];
  /** Each `name` or `name=file` (src/cli/outputs.ts). */
  format?: string[];
  output?: string;
  baseline?: string;
  /** Undefined: the config's failOn, else high. */
  failOn?: string;
  /** The human formats only: findings below it are not shown (the gate still counts them). */
  minSeverity?: string;
  onlyNew?: boolean;
  details?: boolean;
  /** A path; false for --no-config; undefined to look for a default file. */
  config?: string | false;
  rule?: string[];
  skipRule?: string[];
  /** false for --no-exposure-context; otherwise the config decides (default on). */
  exposureContext?: boolean;
  /** K/N or auto/N (src/collect/shard.ts). */
  shard?: string;
  /** --cloudtrail: each a file or directory of saved events, or '' (no path) to look them up live. */
  cloudtrail?: string[];
  since?: string;
  until?: string;
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** `sg-audit diff <before> <after>`. */
export interface DiffFlags extends TerminalFlags {
  format?: string[];
  output?: string;
  failOn?: string;
  failOnChange?: boolean;
  config?: string | false;
  exposureContext?: boolean;
  /** Compare only these regions; with one, also the region of saved files whose data does not say. */
  region?: string[];
  /** Each a file or directory of saved events, or '' (no path) to look them up live. */
  cloudtrail?: string[];
  since?: string;
  until?: string;
  profile?: string;
  roleArn?: string;
  externalId?: string;
  details?: boolean;
}

/** `sg-audit merge`: the audit's report options. */
export interface MergeFlags {
  /** Each `name` or `name=file` (src/cli/outputs.ts). */
  format?: string[];
  output?: string;
  baseline?: string;
  /** Undefined: the shards' common failOn. */
  failOn?: string;
  minSeverity?: string;
  onlyNew?: boolean;
  details?: boolean;
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export interface CollectFlags extends LiveFlags, TerminalFlags {
  output?: string;
}

/** `sg-audit exposure --format`. */
export const EXPOSURE_FORMATS = ['table', 'json'] as const;
export type ExposureFormat = (typeof EXPOSURE_FORMATS)[number];

export interface ExposureFlags extends LiveFlags {
  input?: string[];
  /** A path; false for --no-config; undefined to look for a default file. */
  config?: string | false;
  format?: ExposureFormat;
  output?: string;
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
}

/** The options every command takes. */
export interface TerminalFlags {
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
}

export interface Handlers {
  audit(flags: AuditFlags, stray: readonly string[]): Promise<void>;
  rules(flags: { format?: RuleListFormat } & TerminalFlags): Promise<void>;
  explain(ruleId: string, flags: TerminalFlags): Promise<void>;
  collect(flags: CollectFlags): Promise<void>;
  merge(files: string[], flags: MergeFlags): Promise<void>;
  exposure(flags: ExposureFlags): Promise<void>;
  diff(before: string, after: string, flags: DiffFlags): Promise<void>;
}

const AUDIT_EXAMPLES = `
Examples:
  $ sg-audit --input examples/demo-account            audit saved JSON, no AWS access needed
  $ sg-audit --profile prod --region us-east-1        audit one region live
  $ sg-audit --region all --format json --output sg.json --quiet
                                                      a cron job: JSON report, exit code
  $ sg-audit --input snapshot.json --fail-on critical a CI gate that fails only on critical
  $ sg-audit --input snapshot.json --format table --format sarif=sg.sarif --format json=sg.json
                                                      the table here, SARIF and JSON to files
  $ sg-audit --input snapshot.json --baseline accepted.json
                                                      fail only on findings that accepted.json does not have
  $ sg-audit --input snapshot.json --config ci/sg-audit.yml
                                                      rules, severities and suppressions from a config file
  $ aws ec2 describe-security-groups > sgs.json && sg-audit --input sgs.json
  $ terraform show -json plan.out > plan.json && sg-audit --input plan.json --context snapshot.json
                                                      a Terraform plan (or CloudFormation template) before deploy:
                                                      fails only on what the change adds (docs/plans.md)

Exit codes:
  0  no unsuppressed finding at or above --fail-on   2  usage, configuration or input error
  1  unsuppressed findings at or above --fail-on     3  audit incomplete (collection or rule error)
`;

const MERGE_EXAMPLES = `
Examples:
  $ sg-audit --accounts organization --role-arn 'arn:aws:iam::{account}:role/SgAudit' --shard 2/3 --quiet --format json=shard-2.json
                                                      in each of 3 jobs (a CI matrix, an Indexed Job, a Batch array)
  $ sg-audit merge shards/*.json --format table --format sarif=sg.sarif
                                                      one report for every shard, and one exit code
  $ sg-audit merge old-report.json --format html=sg.html
                                                      render a saved JSON report in another format

Reports written with --shard must make one whole run: every shard 1..N once, of the same run,
pairs, rules and suppressions (exit 3 names what is not). A finding audited by two reports (the
same account and region) is listed once. Rule checks and security groups are summed; shard
errors make the merged audit incomplete.

Exit codes:
  0  no unsuppressed finding at or above --fail-on   2  usage error, or a file that is not a JSON report
  1  unsuppressed findings at or above --fail-on     3  a shard was incomplete (it lists errors), missing or of another run
`;

const EXPOSURE_EXAMPLES = `
Examples:
  $ sg-audit exposure --input examples/demo-account   what the internet reaches in saved JSON
  $ sg-audit exposure --profile prod --region all --format json --output exposure.json

One row per network interface the internet can reach: its ports per address family and the path
(security groups, network ACL, route to an internet gateway, public address). Risk is graded as
the rule instance-exposed-to-internet grades it, with the config file's options: by default
critical for SSH, RDP and high-risk ports, high for other ports, info when only tcp/80 and
tcp/443 (its \`authorized\` option) are reachable. Suppressions and severities do not apply: it
is an inventory.

Exit codes:
  0  the inventory is complete (whatever it lists: it is not a gate; use the audit for that)
  2  usage or input error, or input without the data reachability needs (the error names the files)
  3  collection errors: what could be computed is still printed
`;

const DIFF_EXAMPLES = `
Examples:
  $ sg-audit diff yesterday.json today.json          what changed between two snapshots (sg-audit collect)
  $ sg-audit diff examples/demo-account examples/demo-account-next --cloudtrail examples/demo-cloudtrail
                                                      saved describe-* JSON, and who made each change
  $ sg-audit diff yesterday.json today.json --cloudtrail --profile audit
                                                      look the events up live (LookupEvents, read-only)
  $ sg-audit diff accepted.json today.json           a JSON report side: new and fixed findings only

Each side is a snapshot, a directory or file of saved aws ec2 describe-* JSON, or a JSON report
(findings only: rule-level changes need the groups). Both sides are audited with the same rules,
config and exposure model; rules are matched by sgr- id, then by content.

Exit codes:
  0  nothing newly exposed at or above --fail-on      2  usage, configuration or input error
  1  the change newly exposes something at or above   3  a side or the CloudTrail lookup is incomplete
     --fail-on (a new finding, an interface newly reachable); with --fail-on-change, anything changed
`;

/** The report options of an audit, which merge shares: --format, --output, --baseline, --fail-on, terminal manners. */
function addReportOptions(command: Command, failOnDefault: string): Command {
  return command
    .option(
      '--format <name[=file]>',
      `report format: ${FORMATS.join(', ')}; repeat it with =<file> for more reports in one run (default: table, or what --output's extension names)`,
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option('--output <file>', 'write the report (the --format without =<file>) to this file, atomically, instead of stdout')
    .option('--baseline <file>', 'an earlier JSON report: only findings it does not have fail the run; the report counts new, unchanged and fixed')
    .addOption(
      // No commander default: the flag wins over what the config (or the shards) say.
      new Option('--fail-on <severity>', `lowest severity that fails the run (exit 1), or "none" (default: ${failOnDefault})`).choices([...SEVERITIES, 'none']),
    )
    .addOption(
      new Option('--min-severity <severity>', 'show only findings at or above this severity in the table, Markdown and HTML (the exit code and the machine formats still count every finding)').choices([
        ...SEVERITIES,
      ]),
    )
    .option('--only-new', 'with --baseline: show only the new findings in the table, Markdown and HTML')
    .option('--details', 'the table shows every finding in full: its evidence, what uses the resource, the remediation, every fix command');
}

/** --cloudtrail [path] (repeatable; bare: look the events up live), --since, --until. */
function addCloudTrailOptions(command: Command, what: string): Command {
  return command
    .addOption(
      new Option(
        '--cloudtrail [path]',
        `name who made ${what} from CloudTrail: saved \`aws cloudtrail lookup-events\` JSON or log files (*.json.gz), a file or directory (repeatable); bare, look them up live with LookupEvents (put it last, or write --cloudtrail=<path>)`,
      )
        // Bare, the value is '': a live lookup.
        .preset('')
        .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]),
    )
    .option('--since <time>', 'CloudTrail events from this time: ISO 8601 (2026-01-02T06:15:00Z) or a time ago (36h, 7d)')
    .option('--until <time>', 'CloudTrail events up to this time (default: now, or a little after the later side)');
}

function addTerminalOptions(command: Command): Command {
  return command
    .option('--no-color', 'never colour the output (also NO_COLOR)')
    .option('--quiet', 'no progress or warnings on stderr; errors only, and the line that says a report left findings out')
    .option('--debug', 'show stack traces and library warnings');
}

function addLiveOptions(command: Command): Command {
  return command
    .option('--profile <name>', 'AWS profile to use (default: AWS_PROFILE, then the default chain)')
    .option('--region <name...>', 'region(s) to audit, or "all" for every enabled region (default: AWS_REGION or the profile\'s)')
    .option('--endpoint-url <url>', 'custom EC2 endpoint (also AWS_ENDPOINT_URL_EC2; with --role-arn it serves STS and Organizations too)')
    .option('--role-arn <arn>', 'assume this role to audit; with --accounts, "{account}" in it stands for each account, e.g. arn:aws:iam::{account}:role/SgAudit')
    .option('--accounts <id...>', 'the accounts to audit through --role-arn, or "organization" for every active account (Organizations ListAccounts)')
    .option('--external-id <id>', 'the external id the role\'s trust policy requires')
    .option('--max-pages <n>', 'most pages one call may take before it fails as a collection error (default 10000; also SG_AUDIT_MAX_PAGES)')
    .option('--sweep-timeout <time>', 'most time one data kind may take per account and region, e.g. 30m or 900s (default 30m; also SG_AUDIT_SWEEP_TIMEOUT)');
}

function addAuditOptions(command: Command, handlers: Handlers): Command {
  const withInput = addLiveOptions(command)
    .option('--input <path...>', 'audit saved aws ec2 describe-* JSON files or directories instead of calling AWS; or a Terraform plan (terraform show -json) or CloudFormation template')
    .option('--context <path...>', 'with a plan or template as --input: the account it changes, as saved describe-* JSON or a snapshot (or use the live flags): existing groups, subnets, routes and what the change would newly expose');
  return addTerminalOptions(
    addCloudTrailOptions(addReportOptions(withInput, 'the config\'s failOn, else "high"'), 'the rules each finding blames')
      .option(
        '--config <file>',
        'config file: rules, severities, options, suppressions (YAML or JSON; default: .sg-audit.yml, .sg-audit.yaml or .sg-audit.json in the current directory)',
      )
      .option('--no-config', 'ignore the default config file')
      .option('--rule <id...>', 'run only these rules (even ones the config turns off)')
      .option('--skip-rule <id...>', 'run every rule but these')
      .option(
        '--no-exposure-context',
        'report groups open to the internet at full severity even when nothing the internet reaches uses them (by default such findings are one level lower, with the reason)',
      )
      .option(
        '--shard <K/N>',
        'audit only part K of N (1-based) of the account × region pairs, for N jobs whose reports sg-audit merge joins; auto/N takes K from JOB_COMPLETION_INDEX or AWS_BATCH_JOB_ARRAY_INDEX (0-based)',
      ),
  )
    .addHelpText('after', AUDIT_EXAMPLES)
    // Words that are not options land here: a mistyped command ("explian") is named as such.
    .argument('[command...]')
    .action((stray: string[], flags: AuditFlags) => handlers.audit(flags, stray));
}

/**
 * `sg-audit [audit] [options]`: the audit options live on the program itself, so `sg-audit --help`
 * shows them, and on an `audit` command for scripts that prefer to name it.
 */
export function createProgram(version: string, handlers: Handlers): Command {
  const program = new Command('sg-audit')
    .description('Audit AWS security groups, live or from saved `aws ec2 describe-*` JSON.')
    .usage('[audit] [options]  |  <command> [options]')
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .helpCommand('help [command]', 'show help for a command')
    .enablePositionalOptions()
    .showSuggestionAfterError(true)
    // The audit's catch-all for stray words (a mistyped command) is not something to type.
    .configureHelp({ subcommandTerm: (cmd) => (cmd.name() === 'audit' ? 'audit [options]' : new Help().subcommandTerm(cmd)) });
  addAuditOptions(program, handlers);

  program.addCommand(
    addAuditOptions(
      new Command('audit').description('audit security groups (the same as no command)').usage('[options]').helpOption('-h, --help', 'show help'),
      handlers,
    ),
  );

  addTerminalOptions(
    program
      .command('rules')
      .description('list the rule catalog')
      .helpOption('-h, --help', 'show help')
      .addOption(new Option('--format <name>', 'output format').choices(RULE_LIST_FORMATS).default('table')),
  ).action((flags: { format?: RuleListFormat } & TerminalFlags) => handlers.rules(flags));

  addTerminalOptions(
    program
      .command('explain')
      .description('what a rule checks, why, how to fix it, references and options')
      .helpOption('-h, --help', 'show help')
      .argument('<rule-id>', 'a rule id from `sg-audit rules`'),
  ).action((ruleId: string, flags: TerminalFlags) => handlers.explain(ruleId, flags));

  addTerminalOptions(
    addLiveOptions(
      program
        .command('collect')
        .description('save a snapshot of live data, to audit later with --input')
        .helpOption('-h, --help', 'show help'),
    ).option('--output <file>', 'write the snapshot to this file (atomically) instead of stdout'),
  )
    .addHelpText('after', '\nExample:\n  $ sg-audit collect --profile prod --region all --output snapshot.json\n  $ sg-audit --input snapshot.json\n')
    .action((flags: CollectFlags) => handlers.collect(flags));

  addTerminalOptions(
    addLiveOptions(
      program
        .command('exposure')
        .description('list every network interface the internet can reach, what it reaches and through which path, by risk')
        .helpOption('-h, --help', 'show help'),
    )
      .option('--input <path...>', 'read saved aws ec2 describe-* JSON files or directories instead of calling AWS')
      .addOption(new Option('--format <name>', 'output format').choices(EXPOSURE_FORMATS).default('table'))
      .option('--output <file>', 'write to this file, atomically, instead of stdout')
      .option(
        '--config <file>',
        'the audit\'s config file, for the options that grade risk (instance-exposed-to-internet\'s, and the ports the ssh, rdp and high-risk rules check); default: .sg-audit.yml, .sg-audit.yaml or .sg-audit.json here',
      )
      .option('--no-config', 'ignore the default config file: grade with the default options'),
  )
    .addHelpText('after', EXPOSURE_EXAMPLES)
    .action((flags: ExposureFlags) => handlers.exposure(flags));

  addTerminalOptions(
    addCloudTrailOptions(
      program
        .command('diff')
        .description('what changed between two runs (groups, rules, attachments, findings, what the internet reaches), and who changed it')
        .helpOption('-h, --help', 'show help')
        .argument('<before>', 'the earlier side: a snapshot, a directory or file of describe-* JSON, or a JSON report')
        .argument('<after>', 'the later side, of the same kinds')
        .option('--format <name[=file]>', 'table, json, markdown or csv; repeat it with =<file> for more in one run (default: table, or what --output\'s extension names)', (value: string, previous: string[] | undefined) => [
          ...(previous ?? []),
          value,
        ])
        .option('--output <file>', 'write the report to this file, atomically, instead of stdout')
        .addOption(new Option('--fail-on <severity>', 'exit 1 when the change newly exposes something at or above this, or "none" (default: the config\'s failOn, else high)').choices([...SEVERITIES, 'none']))
        .option('--fail-on-change', 'exit 1 when anything changed at all: a job that reports only then (see docs/cron.md)')
        .option('--config <file>', 'the audit\'s config file: rules, severities, options, suppressions (default: .sg-audit.yml, .sg-audit.yaml or .sg-audit.json here)')
        .option('--no-config', 'ignore the default config file')
        .option('--no-exposure-context', 'audit both sides without severity in context')
        .option('--region <name...>', 'compare only these regions (each must be in both sides); with one, it is also the region of saved files whose data does not say')
        .option('--details', 'every event of each change and what it did, a deleted group\'s rules, every fixed finding'),
      'each change',
    )
      .option('--profile <name>', 'with a bare --cloudtrail: the AWS profile to look events up with')
      .option('--role-arn <arn>', 'with a bare --cloudtrail: a role to assume; "{account}" stands for each account of the diff')
      .option('--external-id <id>', 'the external id the role\'s trust policy requires'),
  )
    .addHelpText('after', DIFF_EXAMPLES)
    .action((before: string, after: string, flags: DiffFlags) => handlers.diff(before, after, flags));

  addTerminalOptions(
    addReportOptions(
      program
        .command('merge')
        .description('combine the JSON reports of shards (accounts or regions audited apart) into one report')
        .helpOption('-h, --help', 'show help')
        .argument('<report.json...>', 'JSON reports written with --format json=<file>'),
      'the reports\' common failOn',
    ),
  )
    .addHelpText('after', MERGE_EXAMPLES)
    .action((files: string[], flags: MergeFlags) => handlers.merge(files, flags));

  // A bare --cloudtrail is a live lookup: commander would print its empty preset in the help.
  for (const command of [program, ...program.commands]) {
    command.configureHelp({ ...command.configureHelp(), optionDescription: (option) => new Help().optionDescription(option).replace(/ \(preset: ""\)$/, '') });
  }
  return program;
}
