// The config file, validated (docs/configuration.md; examples/sg-audit.example.yml).
import type { FailOn } from '../engine/gate.js';
import type { RuleSettingsById } from '../engine/select.js';
import type { Suppression } from '../engine/suppress.js';

export interface AuditConfig {
  /** The file it came from, as shown to the user; undefined when no config file is in use. */
  readonly file?: string;
  /** The default --fail-on. */
  readonly failOn?: FailOn;
  /** false: group exposure findings keep their severity even where the internet cannot reach them. */
  readonly exposureContext?: boolean;
  /** Settings by rule id (every id is a catalog rule). */
  readonly rules: RuleSettingsById;
  readonly suppressions: readonly Suppression[];
}

export const NO_CONFIG: AuditConfig = { rules: new Map(), suppressions: [] };
