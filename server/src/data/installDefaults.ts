/**
 * The values IIS 6.0 setup writes on /LM/W3SVC/AppPools, as found in a real export
 * (shared/realworld/modsic-oval-iis6-a-metabase.xml). They differ from several schema defaults
 * (PeriodicRestartTime 1740 vs 60, PingResponseTime 90 vs 60), which is why the tool never
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
