/**
 * The server's life as the LSP specification orders it: before `initialize` a request is answered
 * ServerNotInitialized (-32002) and a notification dropped; after `shutdown` a request is answered
 * InvalidRequest (-32600); only `exit` ends it.
 *
 * Over stdio the message stream itself is watched (vscode-jsonrpc's reader reports what it cannot
 * read): a message that is not JSON but was framed right is answered ParseError (-32700) with a
 * null id and the server reads on; a broken frame (a missing or non-numeric Content-Length,
 * garbage where a header should be) leaves no way to find the next message, so the server says
 * so on stderr and exits with status 1, and the editor starts it again, as after a crash (before,
 * it stayed alive but deaf).
 */
import { ErrorCodes, ResponseError, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

export class Lifecycle {
  initialized = false;
  shutdown = false;

  /** Throws the error the specification prescribes for a request received in the wrong state. */
  checkRequest(method: string): void {
    if (this.shutdown) throw new ResponseError(ErrorCodes.InvalidRequest, `${method}: the server is shutting down; only exit is accepted now.`);
    if (!this.initialized) throw new ResponseError(ErrorCodes.ServerNotInitialized, `${method}: the server is not initialized; send initialize first.`);
  }
}

export function watchMessageStream(reader: MessageReader, writer: MessageWriter, log: (line: string) => void, exit: (code: number) => void): void {
  reader.onError((err: Error) => {
    if (err instanceof SyntaxError) {
      void writer.write({ jsonrpc: '2.0', id: null, error: { code: ErrorCodes.ParseError, message: 'Parse error: the message is not valid JSON.' } } as never);
      return;
    }
    const what = err.message.split('\n')[0]!.slice(0, 200);
    log(`iis6-metabase: the client's message stream is broken (${what}); the server exits so that the editor can start it again.`);
    exit(1);
  });
}
