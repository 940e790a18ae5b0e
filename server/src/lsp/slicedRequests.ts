/**
 * Cancellation and long requests. A request cancelled ($/cancelRequest) before it started is
 * answered with RequestCancelled (-32800) and never run (connectionOptions). The long ones
 * (topology, process model and preview, document symbols, references) run in slices
 * (util/slices.ts) with a turn of the event loop in between, so other messages are handled
 * meanwhile; after each turn a cancelled request stops with RequestCancelled, and one whose
 * document changed starts over on the new version (twice at most, then ContentModified: the
 * client asks again after its change anyway).
 */
import { LSPErrorCodes, ResponseError, type CancellationToken, type ConnectionOptions, type ResponseMessage } from 'vscode-languageserver/node';
import type { MetabaseDocument } from '../metabaseDocument';
import { runInSlices, SliceStop, type Steps } from '../util/slices';
import { yieldToEventLoop, type DocumentStore } from './documentStore';

export const connectionOptions: ConnectionOptions = {
  connectionStrategy: {
    cancelUndispatched: (message): ResponseMessage | undefined => {
      const id = (message as { id?: number | string | null }).id;
      if (id === undefined) return undefined;
      return { jsonrpc: '2.0', id, error: new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled before it started.').toJson() };
    },
  },
};

/** How often a request starts over when its document keeps changing under it. */
const RESTARTS = 2;

/** Answers a request on the current version of `uri` in slices (`empty` for an unknown document). */
export async function answerInSlices<T>(store: DocumentStore, uri: string | undefined, token: CancellationToken | undefined, empty: T, work: (doc: MetabaseDocument) => Steps<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const doc = typeof uri === 'string' ? store.get(uri) : undefined;
    if (!doc) return empty;
    try {
      if (token?.isCancellationRequested) throw new SliceStop('cancelled');
      return await runInSlices(work(doc), yieldToEventLoop, () => {
        if (token?.isCancellationRequested) throw new SliceStop('cancelled');
        if (store.get(uri) !== doc) throw new SliceStop('modified');
      });
    } catch (err) {
      if (!(err instanceof SliceStop)) throw err;
      if (err.reason === 'modified' && attempt < RESTARTS) continue;
      throw new ResponseError(err.reason === 'cancelled' ? LSPErrorCodes.RequestCancelled : LSPErrorCodes.ContentModified, err.message);
    }
  }
}
