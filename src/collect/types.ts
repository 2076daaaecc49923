// What collection hands to normalization: per account × region, per data kind, either the raw
// items (SDK / `aws ec2 describe-*` shape, PascalCase) or the error that prevented them.
// Nothing is ever dropped: a failed call is recorded as an error, never as an empty list.
import type { DataKind } from '../model/kinds.js';
import type { CollectionError } from '../model/types.js';
import type { ShardPlan } from './shard.js';

/** Items from one source: a saved file (origin = its path) or one live sweep. */
export interface RawPart {
  readonly origin?: string;
  readonly items: readonly unknown[];
  /**
   * Resources defined by infrastructure as code (a Terraform plan, a CloudFormation template),
   * by resource id: the file and line that define each, and its address (src/iac/).
   */
  readonly sources?: ReadonlyMap<string, ResourceSource>;
}

/** Where infrastructure as code defines a resource (see ResourceRef). */
export interface ResourceSource {
  readonly address: string;
  /** The file that defines it: a `.tf` file or a template, else the plan. */
  readonly origin: string;
  readonly line?: number;
}

export type RawKindResult =
  | { readonly status: 'ok'; readonly parts: readonly RawPart[] }
  | { readonly status: 'error'; readonly error: CollectionError };

export interface RawScope {
  /** Undefined when offline data does not say; normalization infers it from OwnerId. */
  readonly accountId?: string;
  readonly region: string;
  readonly kinds: Partial<Record<DataKind, RawKindResult>>;
}

export interface RawSnapshot {
  readonly source: 'aws' | 'file';
  /** Input files (offline) or endpoints/profiles (live), for the report. */
  readonly inputs: readonly string[];
  readonly scopes: readonly RawScope[];
  /** Problems that did not stop collection but the user should see (e.g. STS unavailable). */
  readonly warnings: readonly string[];
  /** With --shard: every account × region pair of the run, as this shard resolved them (src/collect/shard.ts). */
  readonly shard?: ShardPlan;
}
