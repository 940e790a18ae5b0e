/**
 * One realistic metabase per case of shared/cases/misconfigs.md and of issue 13
 * (test/fixtures/misconfigs, in IIS's own layout). Each must report exactly the expected findings
 * (hints aside, unless the case is about one), on the line that shows the problem; the healthy
 * variant must report nothing at all.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { diagnosticsOf, fixturesDir } from '../helpers';

type Expectation = [code: string, lineContaining: string, nth?: number];

const CASES: Record<string, Expectation[]> = {
  '00-healthy': [],
  '01-aspnet-versions-one-pool': [['aspnet-version-conflict', 'ScriptMaps=', 3]],
  '02-aspnet10-worker-mode': [
    ['aspnet10-requires-iis5-mode', 'v1.0.3705\\aspnet_isapi.dll'],
    ['web-service-extension-prohibited', 'v1.0.3705\\aspnet_isapi.dll'],
  ],
  '03-apppool-missing': [
    ['apppool-not-found', 'AppPoolId="ImportedPool"'],
    ['apppool-not-found', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root"'],
    ['apppool-not-found', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root/Orders"'],
  ],
  '04-custom-identity': [
    ['custom-identity-iis-wpg', 'AppPoolIdentityType="3"'],
    ['custom-identity-no-username', 'AppPoolIdentityType="3"', 2],
  ],
  '05-localsystem': [['localsystem-identity', 'AppPoolIdentityType="0"']],
  '06-kerberos-spn': [
    ['kerberos-spn-needed', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root"'],
    ['kerberos-spn-needed', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root/Orders"'],
    ['custom-identity-iis-wpg', 'AppPoolIdentityType="3"'],
  ],
  '07-web-garden-sessions': [['web-garden-session-state', 'MaxProcesses="4"']],
  '08-rapid-fail': [
    ['rapid-fail-disabled', 'RapidFailProtectionMaxCrashes="1"'],
    ['rapid-fail-disabled', 'RapidFailProtection="FALSE"'],
  ],
  '09-iis5-mode-pools': [
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 1],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 2],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 3],
    ['ignored-in-iis5-mode', 'AppPoolId="AppsPool"'],
    ['ignored-in-iis5-mode', '<IIsApplicationPools'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/DefaultAppPool"'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/AppsPool"'],
  ],
  // Issue 13 #4: what IIS setup writes, in IIS 5.0 isolation mode (information, see SEVERITIES).
  '09b-iis5-mode-stock-pools': [
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"'],
    ['ignored-in-iis5-mode', '<IIsApplicationPools'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/DefaultAppPool"'],
  ],
  '11-no-recycling': [['no-recycling', 'PeriodicRestartTime="0"']],
  '12-queue-length': [['value-out-of-range', 'AppPoolQueueLength="100000"']],
  '13-cpu-limit': [
    ['cpu-action-shutdown', 'CPUAction="1"'],
    ['cpu-limit-inactive', 'CPULimit="50000"'],
  ],
  '14-orphan-worker': [['orphan-worker-process', 'OrphanWorkerProcess="TRUE"']],
  '15-wow64': [
    ['bitness-mismatch', 'framework64\\v2.0.50727\\aspnet_isapi.dll'],
    ['web-service-extension-prohibited', 'framework64\\v2.0.50727\\aspnet_isapi.dll'],
  ],
  '15b-wow64-iis5': [
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 1],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 2],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 3],
    ['ignored-in-iis5-mode', 'AppPoolId="AppsPool"'],
    ['ignored-in-iis5-mode', '<IIsApplicationPools'],
    ['wow64-requires-worker-mode', 'Enable32BitAppOnWin64="TRUE"'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/DefaultAppPool"'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/AppsPool"'],
  ],
  '16-not-auto-started': [
    ['not-auto-started', 'ServerAutoStart="FALSE"'],
    ['not-auto-started', 'AppPoolAutoStart="FALSE"'],
  ],
  '17-duplicate-binding': [
    ['invalid-binding', ':80 :www.example.com'],
    ['duplicate-server-binding', 'ServerBindings=":80:apps.example.com', 2],
  ],
  '18-ssl-shared-ip': [['ssl-binding-conflict', 'SecureBindings="192.168.1.10:443:"', 2]],
  '18b-ssl-host-headers': [['ssl-binding-conflict', 'SecureBindings="192.168.1.10:443:apps.example.com"']],
  '19-approot-renamed': [['approot-mismatch', 'AppRoot="/LM/W3SVC/1962875481/Root/Orders"']],
  '20-default-doc': [
    ['default-doc-missing', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root"'],
    ['default-doc-missing', '<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1962875481/root/Orders"'],
  ],
  '22-extension-prohibited': [['web-service-extension-prohibited', 'v2.0.50727\\aspnet_isapi.dll,1,GET', 1]],
  '23-parent-paths': [['parent-paths-enabled', 'AspEnableParentPaths="TRUE"']],
  '26-permissions': [
    ['write-and-execute', 'AccessWrite'],
    ['script-source-access', 'AccessWrite'],
    ['directory-browsing-enabled', 'EnableDirBrowsing'],
  ],
  '27-anonymous-password-sync': [['anonymous-password-sync-ineffective', 'AnonymousPasswordSync="TRUE"']],
  '28-privileged-account': [['privileged-account', 'CONTOSO\\Administrator']],
  '29-edit-while-running-off': [['edit-while-running-off', 'EnableEditWhileRunning="0"']],
  '29b-history-files': [['history-files-low', 'MaxHistoryFiles="3"']],
  '30-schema-invalid': [
    ['invalid-value', 'ServerAutoStart="yes"'],
    ['unknown-property', 'Serversize="1"'],
  ],
  '31-clear-text-password': [
    ['custom-identity-iis-wpg', 'AppPoolIdentityType="3"'],
    ['clear-text-secret', 'WAMUserPass="Summer2006!"'],
  ],
  '32-ssl-required-no-binding': [['ssl-required-without-binding', 'AccessSSLFlags="AccessSSL | AccessSSL128"']],
  '33-compression-dll-backslashes': [['path-missing-backslash', 'HcCompressionDll="%windir%system32inetsrvgzip.dll"']],
  '33b-hand-installed-extensions': [
    ['path-not-absolute', '1,php5isapi.dll,1,PHP5'],
    ['path-forward-slashes', '.php,C:/php/php5isapi.dll'],
    // The consequence the relative entry has: the .php map falls under "0,*.dll".
    ['web-service-extension-prohibited', '.php,C:/php/php5isapi.dll'],
    ['path-missing-backslash', 'Path="D:Sites\\Downloads"'],
    ['path-variable-not-expanded', 'FilterPath="%ProgramFiles%'],
  ],
  '34-empty-flag-values': [
    ['invalid-value', '\tConnectionTimeout=""'],
    ['invalid-value', '\tAuthPersistence=""'],
  ],
  '35-appisolated-worker-mode': [['appisolated-ignored', 'AppIsolated="1"']],
  '36-process-level-ignored': [
    ['process-level-ignored', 'AspProcessorThreadMax="50"'],
    ['process-level-ignored', 'AspScriptEngineCacheMax="500"'],
  ],
  '37-pinging-disabled': [['pinging-disabled', 'PingingEnabled="FALSE"']],
  '38-contradicting-settings': [
    ['contradicting-settings', 'OrphanActionExe='],
    ['contradicting-settings', 'OrphanActionParams='],
    ['rapid-fail-disabled', 'RapidFailProtection="FALSE"'],
    ['contradicting-settings', 'RapidFailProtectionMaxCrashes="10"'],
  ],
};

type Severity = 'error' | 'warning' | 'information' | 'hint';
const SEVERITY_NUMBER: Record<Severity, number> = { error: 1, warning: 2, information: 3, hint: 4 };

/**
 * Severities where they are the point (issue 13 #4): a setting someone chose whose effect IIS
 * silently drops is a warning; what IIS setup writes anyway is information.
 */
const SEVERITIES: Record<string, Array<[code: string, lineContaining: string, nth: number, severity: Severity]>> = {
  '09-iis5-mode-pools': [
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 1, 'information'],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 2, 'warning'],
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 3, 'warning'],
    ['ignored-in-iis5-mode', 'AppPoolId="AppsPool"', 1, 'warning'],
    ['ignored-in-iis5-mode', '<IIsApplicationPools', 1, 'information'],
    // Memory recycling switched on, which IIS 5.0 isolation mode does not do.
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/DefaultAppPool"', 1, 'warning'],
    // Named by the Apps site.
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/AppsPool"', 1, 'warning'],
  ],
  '09b-iis5-mode-stock-pools': [
    ['ignored-in-iis5-mode', 'AppPoolId="DefaultAppPool"', 1, 'information'],
    ['ignored-in-iis5-mode', '<IIsApplicationPools', 1, 'information'],
    ['ignored-in-iis5-mode', 'Location ="/LM/W3SVC/AppPools/DefaultAppPool"', 1, 'information'],
  ],
  // An IIS 5.0 value someone chose, kept in worker process isolation mode.
  '35-appisolated-worker-mode': [['appisolated-ignored', 'AppIsolated="1"', 1, 'warning']],
  '38-contradicting-settings': [
    ['contradicting-settings', 'OrphanActionExe=', 1, 'warning'],
    ['contradicting-settings', 'RapidFailProtectionMaxCrashes="10"', 1, 'warning'],
  ],
};

function lineOf(text: string, needle: string, nth = 1): number {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    assert.ok(at >= 0, `"${needle}" (#${nth}) not in the fixture`);
  }
  return text.slice(0, at).split('\n').length - 1;
}

describe('misconfigurations from shared/cases/misconfigs.md, each in a realistic file', () => {
  for (const [name, expected] of Object.entries(CASES)) {
    test(name, () => {
      const text = readFileSync(path.join(fixturesDir, 'misconfigs', `${name}.xml`), 'utf8');
      const hintsWanted = new Set(expected.map(([code]) => code));
      const got = diagnosticsOf(text)
        .filter((d) => d.severity !== 4 || hintsWanted.has(String(d.code)))
        .map((d) => [d.code, d.range.start.line]);
      const want = expected.map(([code, needle, nth]) => [code, lineOf(text, needle, nth)]);
      const sort = (a: Array<Array<string | number | undefined>>) => [...a].sort((x, y) => Number(x[1]) - Number(y[1]) || String(x[0]).localeCompare(String(y[0])));
      assert.deepEqual(sort(got), sort(want));
    });
  }

  for (const [name, expected] of Object.entries(SEVERITIES)) {
    test(`${name}: severities`, () => {
      const text = readFileSync(path.join(fixturesDir, 'misconfigs', `${name}.xml`), 'utf8');
      const diagnostics = diagnosticsOf(text);
      for (const [code, needle, nth, severity] of expected) {
        const line = lineOf(text, needle, nth);
        const found = diagnostics.filter((d) => d.code === code && d.range.start.line === line);
        assert.equal(found.length, 1, `${code} on line ${line + 1}`);
        assert.equal(found[0].severity, SEVERITY_NUMBER[severity], `${code} on line ${line + 1} ("${needle}" #${nth})`);
      }
    });
  }

  test('an empty flags value is worded for flags, an empty DWORD for a number', () => {
    const text = readFileSync(path.join(fixturesDir, 'misconfigs', '34-empty-flag-values.xml'), 'utf8');
    const messages = diagnosticsOf(text).map((d) => String(d.message));
    const flags = messages.find((m) => m.startsWith('AuthPersistence'))!;
    const dword = messages.find((m) => m.startsWith('ConnectionTimeout'))!;
    assert.match(flags, /takes flag names or a number/);
    assert.match(dword, /takes a number \(DWORD\)/);
    assert.doesNotMatch(dword, /flag/);
    for (const m of [flags, dword]) assert.match(m, /inherits/);
  });

  test('the healthy file has not even a hint', () => {
    const text = readFileSync(path.join(fixturesDir, 'misconfigs', '00-healthy.xml'), 'utf8');
    assert.deepEqual(diagnosticsOf(text), []);
  });

  test('a clear-text password is reported without repeating it', () => {
    const text = readFileSync(path.join(fixturesDir, 'misconfigs', '31-clear-text-password.xml'), 'utf8');
    const found = diagnosticsOf(text).find((d) => d.code === 'clear-text-secret')!;
    assert.ok(!JSON.stringify(found).includes('Summer2006'));
  });
});
