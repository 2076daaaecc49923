// The JSON contract of `sg-audit diff` (schemaVersion 1): what changed between two runs, per
// account × region × group, what that did to the findings and to what the internet reaches, and
// (with --cloudtrail) who made each change. A field is only ever added within a schema version.
import type { AttributedEvent, Attribution } from '../cloudtrail/attribute.js';
import type { BaselineFinding } from '../engine/baseline.js';
import type { FailOn } from '../engine/gate.js';
import type { Direction } from '../model/types.js';
import type { AuditError, ReportFinding } from '../report/types.js';
import type { Severity } from '../rules-kit/types.js';

export type { AttributedEvent, Attribution };

/** One side of the comparison, as given. */
export interface DiffSide {
  /** The path given. */
  readonly input: string;
  /** snapshot: `sg-audit collect` output; files: saved aws ec2 describe-* JSON; report: an sg-audit JSON report (findings only). */
  readonly kind: 'snapshot' | 'files' | 'report';
  /** When it was taken: the snapshot's collectedAt, the report's run.startedAt; absent for describe-* files. */
  readonly time?: string;
  readonly accounts: readonly string[];
  readonly regions: readonly string[];
}

/** A rule as the diff shows it: one (protocol, ports, source) of one direction, as AWS keeps it. */
export interface RuleView {
  readonly ruleId?: string;
  readonly direction: Direction;
  /** "tcp 22 from 0.0.0.0/0", "all traffic to ::/0". */
  readonly text: string;
  readonly protocol: string;
  readonly ports: string;
  readonly source: string;
  readonly description?: string;
}

/**
 * added, removed; modified: the same sgr- id with other content (ModifySecurityGroupRules);
 * recreated: the same content under a new sgr- id (removed and added again); description: only
 * the description changed.
 */
export type RuleChangeKind = 'added' | 'removed' | 'modified' | 'recreated' | 'description';

export interface RuleChange {
  readonly change: RuleChangeKind;
  readonly direction: Direction;
  readonly before?: RuleView;
  readonly after?: RuleView;
  /** With --cloudtrail: the events that made the change, or why none matched. */
  readonly attribution?: Attribution;
}

/** A network interface that gained or lost the group. */
export interface AttachmentChange {
  readonly change: 'gained' | 'lost';
  readonly interfaceId: string;
  readonly instanceId?: string;
  /** The instance's Name tag, else the interface's description: attacker-controllable text. */
  readonly name?: string;
  readonly attribution?: Attribution;
}

export interface GroupDiff {
  readonly accountId: string;
  readonly region: string;
  readonly groupId: string;
  /** Attacker-controllable text. */
  readonly name: string;
  readonly vpcId?: string;
  readonly change: 'created' | 'deleted' | 'changed';
  readonly rules: readonly RuleChange[];
  readonly attachments: readonly AttachmentChange[];
  /** With --cloudtrail, for a group created or deleted: CreateSecurityGroup / DeleteSecurityGroup. */
  readonly attribution?: Attribution;
}

/** Ports of one family and protocol, e.g. ipv4 tcp "22, 8080". */
export interface ReachChange {
  readonly family: 'ipv4' | 'ipv6';
  readonly protocol: 'tcp' | 'udp';
  readonly ports: string;
}

/** An interface the internet reaches on more ports than before (or fewer). */
export interface ExposureChange {
  readonly accountId: string;
  readonly region: string;
  readonly interfaceId: string;
  readonly instanceId?: string;
  /** Attacker-controllable text. */
  readonly name?: string;
  /** newly: not reachable before; more: reachable before, on fewer ports; less; no-longer. */
  readonly change: 'newly' | 'more' | 'less' | 'no-longer';
  /** The risk of what it newly reaches (for less and no-longer: of what it reached), graded as `sg-audit exposure` grades. */
  readonly risk: 'critical' | 'high' | 'info';
  readonly gained: readonly ReachChange[];
  readonly lost: readonly ReachChange[];
  /** With --cloudtrail, for more and newly: the events that opened the path (rules, attachments, addresses). */
  readonly attribution?: Attribution;
}

/** A new finding, with (given CloudTrail data) who opened what it reports. */
export type NewFinding = ReportFinding & { readonly attribution?: Attribution };
export type FixedFinding = BaselineFinding & {
  /** Its one-line summary, when the before side was audited here (a report side keeps the message only). */
  readonly summary?: string;
  readonly attribution?: Attribution;
};

/**
 * A finding whose fingerprint changed on the same resource (the ports, families or sources it is
 * about): wider when it now covers something the earlier one did not (it fails the run like a
 * new finding), narrower when it covers less.
 */
export interface ChangedFinding {
  readonly before: FixedFinding;
  readonly after: NewFinding;
  readonly change: 'wider' | 'narrower';
}

export interface DiffReport {
  readonly schemaVersion: 1;
  readonly kind: 'diff';
  readonly tool: { readonly name: 'sg-audit'; readonly version: string };
  readonly run: {
    readonly startedAt: string;
    readonly before: DiffSide;
    readonly after: DiffSide;
    readonly failOn: FailOn;
    /** --fail-on-change: any change fails the run (exit 1), for a job that reports only when something changed. */
    readonly failOnChange?: true;
    readonly config?: string;
    /** With --cloudtrail: where the events came from and the window they were read for. */
    readonly cloudtrail?: {
      readonly source: 'lookup' | 'files';
      readonly inputs: readonly string[];
      readonly since?: string;
      readonly until?: string;
      /** Events of the calls that change exposure, in the window. */
      readonly events: number;
    };
  };
  readonly summary: {
    /**
     * pass: nothing newly exposed at or above failOn (with failOnChange: nothing changed); fail:
     * something is (or changed); incomplete: errors on a side or in CloudTrail (exit 3).
     */
    readonly status: 'pass' | 'fail' | 'incomplete';
    /** Every change counted once: groups created or deleted, rules, attachments, findings new, changed or fixed, interfaces whose reach changed. */
    readonly changes: number;
    readonly groupsCreated: number;
    readonly groupsDeleted: number;
    readonly groupsChanged: number;
    readonly rulesAdded: number;
    readonly rulesRemoved: number;
    readonly rulesModified: number;
    readonly attachmentsGained: number;
    readonly attachmentsLost: number;
    readonly newFindings: number;
    /** Findings that now cover more (wider) or less (narrower) than on the before side. */
    readonly widerFindings: number;
    readonly narrowerFindings: number;
    readonly fixedFindings: number;
    readonly newlyReachable: number;
    readonly noLongerReachable: number;
    /** New and wider findings and exposure gains at or above failOn (unsuppressed): what fails the run. */
    readonly failing: number;
    /** With --cloudtrail: changes with a matching event, and those without. */
    readonly attributed?: number;
    readonly unattributed?: number;
    readonly newBySeverity: Readonly<Record<Severity, number>>;
  };
  readonly groups: readonly GroupDiff[];
  readonly findings: {
    readonly new: readonly NewFinding[];
    readonly changed: readonly ChangedFinding[];
    readonly fixed: readonly FixedFinding[];
    /** Findings of the before side the after side could not re-check (rule or region not audited, or an error). */
    readonly notRechecked: number;
  };
  readonly exposure: readonly ExposureChange[];
  /** What could not be compared, and why: a JSON report side, an account or region on one side only, data a side lacks. */
  readonly limits: readonly string[];
  readonly errors: readonly AuditError[];
  readonly warnings: readonly string[];
}
