/**
 * The server over stdio, spoken to byte by byte: the order the specification sets (nothing before
 * initialize, nothing but exit after shutdown) and a message stream that breaks. A message that is
 * not JSON but framed right is answered ParseError and the server reads on; a broken frame ends the
 * server with status 1 and a line on stderr, so that the editor starts it again (before, it stayed
 * alive, answered nothing more and said nothing).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../helpers';

interface Raw {
  child: ChildProcessWithoutNullStreams;
  send(message: unknown): void;
  sendBytes(bytes: string): void;
  /** The next response with this id (null for a parse error). */
  response(id: number | null): Promise<{ result?: unknown; error?: { code: number; message: string } }>;
  exited(): Promise<number | null>;
  stderr(): string;
}

function start(): Raw {
  const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'server.js'), '--stdio'], { stdio: 'pipe' });
  let buffer = Buffer.alloc(0);
  let err = '';
  const seen: Array<{ id: number | null; result?: unknown; error?: { code: number; message: string } }> = [];
  const waiters: Array<() => void> = [];
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffer = Buffer.concat([buffer, d]);
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())?.[1]);
      if (buffer.length < head + 4 + length) return;
      const message = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString()) as { id?: number | null; method?: string };
      buffer = buffer.subarray(head + 4 + length);
      if (message.method === undefined && 'id' in message) seen.push(message as { id: number | null });
      for (const w of waiters.splice(0)) w();
    }
  });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    send(message) {
      const body = JSON.stringify({ jsonrpc: '2.0', ...(message as object) });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    sendBytes(bytes) {
      child.stdin.write(bytes);
    },
    response(id) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no response with id ${id} within 5 s`)), 5000);
        const look = (): void => {
          const i = seen.findIndex((m) => m.id === id);
          if (i >= 0) {
            clearTimeout(timer);
            resolve(seen.splice(i, 1)[0]!);
          } else waiters.push(look);
        };
        look();
      });
    },
    exited: () => exit,
    stderr: () => err,
  };
}

const initialize = { method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } };
const hover = (uri: string) => ({ method: 'textDocument/hover', params: { textDocument: { uri }, position: { line: 3, character: 3 } } });
const TEXT = '<?xml version ="1.0"?>\n<configuration>\n<MBProperty>\n<IIsWebService\tLocation ="/LM/W3SVC"\n\t>\n</IIsWebService>\n</MBProperty>\n</configuration>\n';

describe('the protocol order and a broken message stream', () => {
  test('before initialize: requests get ServerNotInitialized, notifications are dropped', async () => {
    const s = start();
    try {
      s.send({ id: 1, ...hover('file:///early.xml') });
      assert.equal((await s.response(1)).error?.code, -32002);
      s.send({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///early.xml', languageId: 'iis-metabase', version: 1, text: TEXT } } });
      s.send({ id: 2, ...initialize });
      assert.ok((await s.response(2)).result);
      s.send({ id: 3, ...hover('file:///early.xml') });
      assert.equal((await s.response(3)).result, null, 'the document opened before initialize was not kept');
    } finally {
      s.child.kill();
    }
  });

  test('after shutdown: requests get InvalidRequest; exit ends the process with status 0', async () => {
    const s = start();
    try {
      s.send({ id: 1, ...initialize });
      await s.response(1);
      s.send({ id: 2, method: 'shutdown' });
      assert.equal((await s.response(2)).result, null);
      s.send({ id: 3, ...hover('file:///x.xml') });
      assert.equal((await s.response(3)).error?.code, -32600);
      s.send({ method: 'exit' });
      assert.equal(await s.exited(), 0);
    } finally {
      s.child.kill();
    }
  });

  test('a framed message that is not JSON gets ParseError with a null id, and the server reads on', async () => {
    const s = start();
    try {
      s.send({ id: 1, ...initialize });
      await s.response(1);
      const broken = '{"jsonrpc":"2.0","id":2,"method":"textDocument/hover"';
      s.sendBytes(`Content-Length: ${broken.length}\r\n\r\n${broken}`);
      assert.equal((await s.response(null)).error?.code, -32700);
      s.send({ id: 3, ...hover('file:///x.xml') });
      assert.equal((await s.response(3)).result, null, 'still answering');
    } finally {
      s.child.kill();
    }
  });

  for (const [name, bytes] of [
    ['a Content-Length that is not a number', 'Content-Length: abc\r\n\r\n{}'],
    ['no Content-Length', 'Content-Type: application/json\r\n\r\n{}'],
    ['garbage where a header should be', 'GET / HTTP/1.1 garbage\r\n\r\n'],
  ] as const) {
    test(`${name}: the server says so on stderr and exits with status 1`, async () => {
      const s = start();
      try {
        s.send({ id: 1, ...initialize });
        await s.response(1);
        s.sendBytes(bytes);
        const code = await Promise.race([s.exited(), new Promise<'alive'>((r) => setTimeout(() => r('alive'), 5000))]);
        assert.equal(code, 1);
        assert.match(s.stderr(), /message stream is broken/);
      } finally {
        s.child.kill();
      }
    });
  }
});
