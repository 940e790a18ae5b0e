/**
 * The LSP trace keeps document text (and so passwords) out: messages traced by a real
 * vscode-jsonrpc connection, in its text and JSON formats at the verbose level, go through the
 * client's redaction (client/src/traceRedaction.ts) the way vscode-languageclient hands them to
 * its trace channel (`message + "\n" + data`, or the JSON object).
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, Trace, TraceFormat, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { NOT_TRACED, redactingChannel, redactTrace } from '../../client/src/traceRedaction';

const SECRET = 'Tr4ce-Secret-Pw';
const TEXT = `<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"\r\n\t\tAnonymousUserPass="${SECRET}"\r\n\t>\r\n</IIsWebVirtualDir>\r\n`;
const uri = 'file:///w/MetaBase.xml';

/** Sends didOpen, a didChange typing the secret again, and a hover through a traced connection. */
async function traced(format: TraceFormat): Promise<string[]> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const client: ProtocolConnection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
  const server: ProtocolConnection = createProtocolConnection(new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
  const entries: string[] = [];
  let seen = 0;
  const allSeen = new Promise<void>((resolve) => {
    const count = (): void => {
      if (++seen === 2) resolve();
    };
    server.onNotification('textDocument/didOpen', count);
    server.onNotification('textDocument/didChange', count);
  });
  server.onRequest('textDocument/hover', () => ({ contents: { kind: 'markdown', value: '**AnonymousUserPass** — secure property: the value is not shown.' } }));
  server.listen();
  client.listen();
  await client.trace(Trace.Verbose, { log: (m: unknown, data?: string) => entries.push(typeof m === 'string' ? (data !== undefined ? `${m}\n${data}` : m) : JSON.stringify(m)) }, { traceFormat: format });
  await client.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'iis-metabase', version: 1, text: TEXT } });
  await client.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 21 }, end: { line: 1, character: 21 } }, text: SECRET }] });
  await allSeen;
  await client.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 5 } });
  client.dispose();
  server.dispose();
  return entries;
}

describe('the LSP trace without document text', () => {
  for (const [name, format] of [['text', TraceFormat.Text], ['JSON', TraceFormat.JSON]] as const) {
    test(`${name} format: didOpen and didChange are traced without their text; other messages unchanged`, async () => {
      const entries = await traced(format);
      assert.ok(entries.some((e) => e.includes(SECRET)), 'without redaction the trace would show the password');
      const shown = entries.map(redactTrace);
      assert.deepEqual(shown.filter((e) => e.includes(SECRET)), []);
      assert.equal(shown.filter((e) => e.includes(NOT_TRACED)).length, 2, 'didOpen and didChange, each noted');
      // The messages are still named, and the hover goes through untouched.
      assert.ok(shown.some((e) => e.includes('textDocument/didOpen')));
      const others = entries.filter((e) => !/textDocument\/did(Open|Change)/.test(e));
      assert.ok(others.some((e) => e.includes('textDocument/hover')) && others.some((e) => e.includes('secure property')), 'the hover request and its answer');
      assert.deepEqual(others.map(redactTrace), others);
    });
  }
});

describe('the redacting trace channel', () => {
  test('writes through to the real channel, redacting what it traces and nothing else', () => {
    const written: string[] = [];
    const real = {
      name: 'IIS 6 Metabase Language Server Trace',
      trace: (m: string) => written.push(`trace ${m}`),
      appendLine: (m: string) => written.push(`line ${m}`),
      show: () => written.push('shown'),
    };
    const channel = redactingChannel(real as unknown as Parameters<typeof redactingChannel>[0]);
    channel.trace(`[Trace] Sending notification 'textDocument/didOpen'.\nParams: {"textDocument":{"text":"AnonymousUserPass=\\"${SECRET}\\""}}`);
    channel.appendLine(`Sending notification 'textDocument/didChange'.\nParams: {"contentChanges":[{"text":"${SECRET}"}]}`);
    channel.trace("[Trace] Received response 'textDocument/hover - (3)' in 2ms.");
    channel.show();
    assert.equal(channel.name, real.name);
    assert.deepEqual(written, [
      `trace [Trace] Sending notification 'textDocument/didOpen'.\nParams: ${NOT_TRACED}`,
      `line Sending notification 'textDocument/didChange'.\nParams: ${NOT_TRACED}`,
      "trace [Trace] Received response 'textDocument/hover - (3)' in 2ms.",
      'shown',
    ]);
  });
});
