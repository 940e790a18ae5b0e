/**
 * Where each rule is explained: its section of docs/rules.md in the repository (generated from
 * the registry by scripts/generate-rule-docs.ts, one `## rule-id` heading per rule). The editor
 * links a diagnostic's code there (Diagnostic.codeDescription) and SARIF rules carry it as helpUri.
 */
export const REPOSITORY_URL = 'https://github.com/iis6-metabase/iis6-metabase';

export function ruleDocUrl(ruleId: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/rules.md#${ruleId}`;
}
