/**
 * The problem matcher `$iis6-metabase` (package.json) reads the CLI's text output back: each
 * diagnostic line of `iis6-metabase lint` on the fixtures gives the file, line, column, severity,
 * rule and message that `--format json` reports, as VS Code applies the matcher (a JavaScript
 * RegExp per line, severity by VS Code's names); the summary line and usage errors give nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { fixturesDir, repoRoot } from '../helpers';

interface Matcher {
  name: string;
  owner: string;
  fileLocation: string[];
  pattern: { regexp: string; file: number; line: number; column: number; severity: number; code: number; message: number };
}
const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { problemMatchers: Matcher[]; taskDefinitions: Array<{ type: string }> };
};
const matcher = manifest.contributes.problemMatchers.find((m) => m.name === 'iis6-metabase')!;

/** What VS Code makes of a matched severity (Severity.fromValue, then 'hint' as info; else the matcher's default, error). */
function vscodeSeverity(s: string): 'error' | 'warning' | 'info' {
  const v = s.toLowerCase();
  if (v === 'error') return 'error';
  if (v === 'warning' || v === 'warn') return 'warning';
  if (v === 'info' || v === 'hint' || v === 'note') return 'info';
  return 'error';
}

function match(line: string): { file: string; line: number; column: number; severity: string; code: string; message: string } | undefined {
  const m = new RegExp(matcher.pattern.regexp).exec(line);
  if (!m) return undefined;
  const p = matcher.pattern;
  return { file: m[p.file]!, line: Number(m[p.line]), column: Number(m[p.column]), severity: vscodeSeverity(m[p.severity]!), code: m[p.code]!, message: m[p.message]! };
}

async function cli(args: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await runCli(args, (s) => out.push(...s.split('\n')), () => undefined);
  return { code, out };
}

const files = readdirSync(path.join(fixturesDir, 'misconfigs'))
  .filter((f) => f.endsWith('.xml'))
  .map((f) => path.relative(repoRoot, path.join(fixturesDir, 'misconfigs', f)));

describe('problem matcher $iis6-metabase', () => {
  test('is contributed with the task type, owned by iis6-metabase, paths relative to the workspace folder', () => {
    assert.ok(matcher, 'no problem matcher named iis6-metabase');
    assert.equal(matcher.owner, 'iis6-metabase');
    assert.deepEqual(matcher.fileLocation, ['autoDetect', '${workspaceFolder}']);
    assert.ok(manifest.contributes.taskDefinitions.some((t) => t.type === 'iis6-metabase'));
  });

  test('every diagnostic line of lint on the fixtures is read back as --format json reports it', async () => {
    const prev = process.cwd();
    process.chdir(repoRoot); // relative file names, as a task run in the workspace prints them
    try {
      const text = await cli(['lint', ...files]);
      const json = await cli(['lint', '--format', 'json', ...files]);
      const expected = (JSON.parse(json.out.join('\n')) as Array<{ file: string; diagnostics: Array<{ range: { start: { line: number; character: number } }; severity: string; code: string; message: string }> }>).flatMap((r) =>
        r.diagnostics.map((d) => ({
          file: r.file,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          severity: vscodeSeverity(d.severity === 'information' ? 'info' : d.severity),
          code: d.code,
          message: d.message.replace(/\s*[\r\n]+\s*/g, ' '),
        })),
      );
      const lines = text.out.filter((l) => l !== '');
      const matched = lines.map(match);
      // All but the summary line match, and they give what the JSON says, in the same order.
      assert.equal(matched.at(-1), undefined, `the summary line matched: ${lines.at(-1)}`);
      assert.deepEqual(matched.slice(0, -1), expected);
      assert.ok(expected.length > 50, `only ${expected.length} diagnostics on the fixtures`);
      const severities = new Set(expected.map((e) => e.severity));
      assert.deepEqual([...severities].sort(), ['error', 'info', 'warning'], 'the fixtures should give all three kinds');
    } finally {
      process.chdir(prev);
    }
  });

  test('"information" and "hint" lines are infos, not errors; an absolute Windows path keeps its drive', () => {
    assert.deepEqual(match('C:\\WINDOWS\\system32\\inetsrv\\MetaBase.xml:12:5 information metabase-acl-open The file is readable by Everyone: check its ACL.'), {
      file: 'C:\\WINDOWS\\system32\\inetsrv\\MetaBase.xml',
      line: 12,
      column: 5,
      severity: 'info',
      code: 'metabase-acl-open',
      message: 'The file is readable by Everyone: check its ACL.',
    });
    assert.equal(match('sub/metabase.XML:3:1 hint some-rule A hint.')?.severity, 'info');
  });

  test('usage errors and the summary give no problem', async () => {
    const { out } = await cli(['lint', '--format', 'text', 'does-not-exist.xml']);
    for (const l of out) assert.equal(match(l), undefined, l);
    assert.equal(match('2 files: 1 error(s), 3 warning(s), 0 information, 0 hint(s)'), undefined);
  });
});
