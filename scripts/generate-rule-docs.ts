/**
 * Writes docs/rules.md from the rule registry: id, default severity, what the rule finds, whether
 * a quick fix exists, and the sources the rule rests on. `--check` fails when the file is stale.
 *
 *   npx tsx scripts/generate-rule-docs.ts [--check]
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { FIXABLE_RULES } from '../server/src/features/codeActions';
import { allRules } from '../server/src/rules/registry';

/** Markdown-safe text: element names such as <Custom> would otherwise vanish as HTML. */
function md(s: string): string {
  return s.replace(/</g, '\\<').replace(/\|/g, '\\|');
}

function source(s: string): string {
  // "https://... (what the page says)": the address linked, the note after it.
  const noted = /^(https?:\/\/\S+) \((.+)\)$/.exec(s);
  if (noted) return `<${noted[1]}> (${md(noted[2])})`;
  if (/^https?:\/\//.test(s)) return `<${s}>`;
  throw new Error(`a rule source must be a public URL, not ${JSON.stringify(s)}`);
}

/**
 * What each default severity means. Rules pick theirs by these principles, and a rule that tells
 * apart what setup writes from what someone chose gives the two different severities.
 */
export const SEVERITY_PRINCIPLES: readonly string[] = [
  '## Severities',
  '',
  '- **error**: IIS refuses the setting or the file, or requests fail because of it: XML that is not',
  '  well-formed, a value IIS cannot read, a pool that does not exist, two sites on one binding.',
  '- **warning**: IIS accepts the setting, but it does not do what it says or it puts the server at risk.',
  '  **A setting someone wrote that IIS silently ignores is a warning**: whoever wrote it expects an',
  '  effect that will not happen. Examples: a pool that applications are assigned to, or with settings',
  '  of its own, and an `AppPoolId` on a site or application in IIS 5.0 isolation mode; `AppIsolated` 0 or 1',
  '  in worker process isolation mode; a process-level ASP property on a site; ping times with pinging',
  '  off; `CPULimit` with CPU monitoring off.',
  '- **information**: IIS does what the setting says, and the finding is a consequence worth knowing',
  '  (a pool that never recycles, rapid-fail protection off, directory browsing on) or a reminder of what',
  '  the file cannot show (membership of IIS_WPG, a Kerberos SPN). A setting without effect is',
  '  information only where IIS setup wrote it and nobody chose it: in IIS 5.0 isolation mode, the',
  '  `/LM/W3SVC/AppPools` key, a `DefaultAppPool` with nothing of its own, and `AppPoolId="DefaultAppPool"`',
  '  on `/LM/W3SVC` and in the site templates.',
  '- **hint**: tidying up that changes nothing on the server (a pool that no application uses).',
];

export function renderRuleDocs(): string {
  const lines = [
    '# Rules',
    '',
    'Generated from the rule registry by `scripts/generate-rule-docs.ts`; do not edit by hand.',
    '',
    'Every rule can be set to `error`, `warning`, `information`, `hint` or `off` with the setting',
    '`iis6Metabase.rules` (`{"<id>": "<severity>"}`) or on the command line with `--rule <id>=<severity>`,',
    'and silenced for one key with `<!-- iis6-metabase-disable-next-line <id> -->` before it.',
    '',
    ...SEVERITY_PRINCIPLES,
    '',
    '| Rule | Default | Quick fix | Finds |',
    '|---|---|---|---|',
    ...allRules.map((r) => `| [\`${r.meta.id}\`](#${r.meta.id}) | ${r.meta.defaultSeverity} | ${FIXABLE_RULES.includes(r.meta.id) ? 'yes' : ''} | ${md(r.meta.description)} |`),
    '',
  ];
  for (const r of allRules) {
    lines.push(`## ${r.meta.id}`, '', md(r.meta.description), '', `Default severity: **${r.meta.defaultSeverity}**.${FIXABLE_RULES.includes(r.meta.id) ? ' A quick fix is offered.' : ''}`, '', 'Sources:', '');
    for (const s of r.meta.sources) lines.push(`- ${source(s)}`);
    lines.push('');
  }
  return lines.join('\n');
}

if (require.main === module) {
  const out = path.resolve(__dirname, '..', 'docs', 'rules.md');
  const text = renderRuleDocs();
  if (process.argv.includes('--check')) {
    const current = existsSync(out) ? readFileSync(out, 'utf8') : '';
    if (current !== text) {
      console.error('docs/rules.md is out of date; run npm run generate');
      process.exit(1);
    }
  } else {
    writeFileSync(out, text);
    console.log('wrote docs/rules.md');
  }
}
