import type { PropertyData } from '../schema/types';

/**
 * The values IIS 6.0 setup writes on /LM/W3SVC/AppPools, as found in a real export (the modSIC
 * project's test metabase, https://github.com/modulogrc/modSIC, file
 * Modulo.Collect.Probe.Common.Test/Resources/metabaseSample.xml). They differ from several schema
 * defaults (PeriodicRestartTime 1740 vs 60, PingResponseTime 90 vs 60), which is why the tool never
 * reports them. The "create pool" quick fix and the pool snippets write these values.
 */
export const INSTALL_POOL_DEFAULTS: ReadonlyArray<readonly [name: string, value: string]> = [
  ['AppPoolAutoStart', 'TRUE'],
  ['AppPoolIdentityType', '2'],
  ['AppPoolQueueLength', '1000'],
  ['IdleTimeout', '20'],
  ['MaxProcesses', '1'],
  ['PeriodicRestartTime', '1740'],
  ['PingInterval', '30'],
  ['PingResponseTime', '90'],
  ['PingingEnabled', 'TRUE'],
  ['RapidFailProtection', 'TRUE'],
  ['RapidFailProtectionInterval', '5'],
  ['RapidFailProtectionMaxCrashes', '5'],
  ['ShutdownTimeLimit', '90'],
  ['StartupTimeLimit', '90'],
];

const OBSERVED = new Map<string, string>(INSTALL_POOL_DEFAULTS);

/**
 * What IIS setup writes for a property, when that is not the schema default (undefined
 * otherwise): for the pool properties above, the value seen in the real export; for other
 * numbers and booleans the SDK's internal default (facts `internalDefault`), which is what the
 * same export holds on /LM, /LM/W3SVC, its Info key, /LM/W3SVC/AppPools and the compression
 * parameters for every such DWORD and BOOL it sets, AppPoolQueueLength aside (internal 4000; 1000 since SP1,
 * as written above). The facts' `default` (the reference pages' default) is not it: it says 60
 * for PeriodicRestartTime and 240 for PingInterval, where IIS writes 1740 and 30. Flags and
 * strings are left out: there the export disagrees with the internal default (AccessFlags,
 * AuthFlags, DefaultDoc) or the internal default is a name IIS gives its first site or pool.
 */
export function installValue(p: PropertyData): string | undefined {
  let value = OBSERVED.get(p.name);
  if (value === undefined) {
    const internal = p.facts?.internalDefault;
    if (p.type === 'BOOL' && (internal === 'TRUE' || internal === 'FALSE')) value = internal;
    else if (p.type === 'DWORD' && !p.flags && internal !== undefined && /^\d+$/.test(internal)) value = internal;
  }
  return value !== undefined && value !== p.schemaDefault ? value : undefined;
}
