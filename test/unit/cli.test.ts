import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../server/src/cli';
import { generateMetabase } from '../../bench/gen-metabase';
import { metabase, repoRoot } from '../helpers';

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return cliWithInput(undefined, ...args);
}

/** The CLI with `input` as its standard input. */
async function cliWithInput(input: string | undefined, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const stdin = async (): Promise<Uint8Array> => {
    if (input === undefined) throw new Error('standard input read unexpectedly');
    return Buffer.from(input, 'utf8');
  };
  const code = await runCli(args, (s) => out.push(s), (s) => err.push(s), stdin);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const dir = mkdtempSync(path.join(tmpdir(), 'iis6-cli-'));
const bad = path.join(dir, 'MetaBase.xml');
writeFileSync(bad, metabase('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerAutoStart="ture"\n\t\tServerSize="1"\n\t>\n</IIsWebServer>'));
const clean = path.join(dir, 'clean.xml');
writeFileSync(clean, metabase('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tServerSize="1"\n\t>\n</IIsWebServer>'));
const warnOnly = path.join(dir, 'warn.xml');
writeFileSync(warnOnly, metabase('<IIsWebServer\tLocation ="/LM/W3SVC/1"\n\t\tBogus="1"\n\t>\n</IIsWebServer>'));

describe('iis6-metabase lint', () => {
  test('text: file:line:col severity code message, a summary, exit 1 on an error', async () => {
    const r = await cli('lint', bad);
    assert.equal(r.code, 1);
    assert.equal(r.out, `${bad}:5:20 error invalid-value ServerAutoStart is a BOOL: write TRUE or FALSE, not "ture". IIS cannot read this value and logs an error, so the property is lost.\n1 file: 1 error(s), 0 warning(s), 0 information, 0 hint(s)`);
  });

  test('json: the documented shape, naming the key and property', async () => {
    const r = await cli('lint', bad, clean, '--format', 'json');
    assert.deepEqual(JSON.parse(r.out), [
      {
        file: bad,
        diagnostics: [
          {
            range: { start: { line: 4, character: 19 }, end: { line: 4, character: 23 } },
            severity: 'error',
            code: 'invalid-value',
            message: 'ServerAutoStart is a BOOL: write TRUE or FALSE, not "ture". IIS cannot read this value and logs an error, so the property is lost.',
            keyType: 'IIsWebServer',
            location: '/LM/W3SVC/1',
            property: 'ServerAutoStart',
          },
        ],
      },
      { file: clean, diagnostics: [] },
    ]);
  });

  test('warnings alone exit 0; --rule raises them', async () => {
    assert.equal((await cli('lint', warnOnly)).code, 0);
    assert.equal((await cli('lint', warnOnly, '--rule', 'unknown-property=error')).code, 1);
    assert.equal((await cli('lint', bad, '--rule=invalid-value=off')).code, 0);
  });

  test('sarif: SARIF 2.1.0 with the rule table and 1-based regions', async () => {
    const r = await cli('lint', bad, '--format', 'sarif');
    const log = JSON.parse(r.out);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.ok(run.tool.driver.rules.some((x: { id: string }) => x.id === 'invalid-value'));
    assert.deepEqual(run.results.map((x: { ruleId: string; level: string; locations: Array<{ physicalLocation: { region: unknown } }> }) => [x.ruleId, x.level, x.locations[0].physicalLocation.region]), [
      ['invalid-value', 'error', { startLine: 5, startColumn: 20, endLine: 5, endColumn: 24 }],
    ]);
  });

  test('usage errors and unreadable files exit 2 with a clear message', async () => {
    const missing = await cli('lint', path.join(dir, 'nope.xml'));
    assert.equal(missing.code, 2);
    assert.match(missing.err, /cannot read .*nope\.xml: no such file/);
    assert.equal((await cli('lint')).code, 2);
    assert.equal((await cli('lint', bad, '--format', 'xml')).code, 2);
    assert.equal((await cli('frobnicate')).code, 2);
    const folder = await cli('lint', dir);
    assert.match(folder.err, /is a directory/);
  });

  test('an unreadable file is reported and the others are still linted; the exit status is 2', async () => {
    const r = await cli('lint', path.join(dir, 'nope.xml'), bad, '--format', 'json');
    assert.equal(r.code, 2);
    assert.match(r.err, /cannot read .*nope\.xml: no such file/);
    assert.deepEqual(
      JSON.parse(r.out).map((f: { file: string; diagnostics: Array<{ code: string }> }) => [f.file, f.diagnostics.map((d) => d.code)]),
      [[bad, ['invalid-value']]],
    );
  });

  test('options are strict per command: one that belongs to another command, a misspelt one, an unknown rule id', async () => {
    const mode = await cli('lint', bad, '--mode', 'iis5');
    assert.equal(mode.code, 2);
    assert.match(mode.err, /^iis6-metabase: lint has no option --mode \(processes has it\)/);
    const describeMode = await cli('describe', 'AppPoolId', '--mode', 'iis5');
    assert.equal(describeMode.code, 2);
    assert.match(describeMode.err, /describe has no option --mode/);
    const typo = await cli('lint', bad, '--fromat', 'json');
    assert.match(typo.err, /lint has no option --fromat; did you mean --format\?/);
    const rule = await cli('lint', bad, '--rule', 'apppool-notfound=off');
    assert.equal(rule.code, 2);
    assert.match(rule.err, /there is no rule "apppool-notfound"; did you mean apppool-not-found\?/);
    assert.equal((await cli('lint', bad, '--rule', 'nosuchrule=off')).code, 2);
    assert.equal((await cli('lint', bad, '--max-warnings', 'many')).code, 2);
    assert.equal((await cli('rules', 'extra')).code, 2);
  });

  test('--help per command prints that command\'s usage and exits 0', async () => {
    for (const [command, mentions] of [['lint', /--max-warnings N/], ['processes', /--mode worker\|iis5/], ['describe', /NAME/], ['rules', /Lists the rules/]] as const) {
      const r = await cli(command, '--help');
      assert.equal(r.code, 0, command);
      assert.match(r.out, new RegExp(`^Usage: iis6-metabase ${command}`));
      assert.match(r.out, mentions);
    }
    assert.match((await cli('help', 'lint')).out, /^Usage: iis6-metabase lint/);
  });

  test('lint - reads standard input', async () => {
    const r = await cliWithInput(readFileSync(bad, 'utf8'), 'lint', '-');
    assert.equal(r.code, 1);
    assert.match(r.out, /^<stdin>:5:20 error invalid-value /);
  });

  test('--max-warnings N: exit 1 when there are more warnings than N', async () => {
    assert.equal((await cli('lint', warnOnly, '--max-warnings', '0')).code, 1);
    const over = await cli('lint', warnOnly, '--max-warnings=0');
    assert.match(over.err, /1 warnings, more than --max-warnings 0/);
    assert.equal((await cli('lint', warnOnly, '--max-warnings', '1')).code, 0);
  });
});

describe('iis6-metabase processes', () => {
  test('a file without keys (empty, binary) says so and exits 1', async () => {
    const empty = path.join(dir, 'empty.xml');
    writeFileSync(empty, '');
    const binary = path.join(dir, 'junk.bin');
    writeFileSync(binary, Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 37) % 256)));
    const e = await cli('processes', empty);
    assert.equal(e.code, 1);
    assert.match(e.err, /empty\.xml holds no metabase keys/);
    const b = await cli('processes', binary);
    assert.equal(b.code, 1);
    assert.match(b.err, /does not look like a text metabase/);
    assert.equal(e.out + b.out, '');
  });
});

describe('iis6-metabase describe', () => {
  test('json for a property: the documented fields', async () => {
    const r = await cli('describe', 'AppPoolIdentityType', '--format', 'json');
    assert.equal(r.code, 0);
    const d = JSON.parse(r.out);
    assert.deepEqual(
      [d.name, d.kind, d.type, d.default, d.min, d.max, d.inherit, d.secure, d.keyTypes, d.level, d.source],
      ['AppPoolIdentityType', 'property', 'DWORD', 2, null, 3, true, false, ['IIsApplicationPool', 'IIsApplicationPools'], 'pool', 'https://learn.microsoft.com/en-us/previous-versions/windows/it-pro/windows-server-2003/cc736455(v=ws.10)'],
    );
    assert.deepEqual(d.values.map((v: { name: string; value: number }) => [v.name, v.value]), [['MD_APPPOOL_IDENTITY_TYPE_LOCALSYSTEM', 0], ['MD_APPPOOL_IDENTITY_TYPE_LOCALSERVICE', 1], ['MD_APPPOOL_IDENTITY_TYPE_NETWORKSERVICE', 2], ['MD_APPPOOL_IDENTITY_TYPE_SPECIFICUSER', 3]]);
    assert.ok(d.values.every((v: { meaning: string }) => v.meaning.length > 10));
    assert.ok(d.summary.length > 40);
  });

  test('json for a key type', async () => {
    const d = JSON.parse((await cli('describe', 'IIsApplicationPools', '--format', 'json')).out);
    assert.deepEqual([d.kind, d.locations, d.children], ['keyType', ['/LM/W3SVC/AppPools'], ['IIsApplicationPool']]);
  });

  test('text mirrors the hover facts', async () => {
    const r = await cli('describe', 'PeriodicRestartTime');
    assert.match(r.out, /^PeriodicRestartTime — DWORD, minutes, inherited/);
    assert.match(r.out, /Default: 60 minutes \(schema\) · 1740 \(IIS internal default, written at install\)/);
    assert.match(r.out, /Range: 0 – 71582/);
  });

  test('an unknown name exits 2 with the closest names', async () => {
    const r = await cli('describe', 'AppPoolIdd');
    assert.equal(r.code, 2);
    assert.equal(r.err, 'iis6-metabase: "AppPoolIdd" is not a known property or key type. Closest: AppPoolId');
  });
});

test('the bundled binary runs the example the README shows', () => {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', path.join(repoRoot, 'examples', 'MetaBase.xml'), '--format', 'json'], { encoding: 'utf8' });
  assert.equal(r.status, 1, r.stderr);
  const [file] = JSON.parse(r.stdout) as Array<{ diagnostics: Array<{ code: string }> }>;
  const codes = new Set(file.diagnostics.map((d) => d.code));
  for (const code of ['unknown-property', 'invalid-value', 'value-out-of-range']) assert.ok(codes.has(code), code);
});

test('the bundled binary stops quietly when the reader closes the pipe (lint … | head -1)', async () => {
  const big = path.join(dir, 'big.xml');
  writeFileSync(big, generateMetabase({ sites: 1000, seed: 42 }));
  // Text: a line per write, about 200 KB in all, so writes go on after the reader is gone.
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'lint', big], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // Read the first chunk, then close the pipe like `head -1` does.
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.stdout.destroy();
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.doesNotMatch(stderr, /EPIPE|Error|at /, stderr);
  assert.notEqual(code, 2);
});
