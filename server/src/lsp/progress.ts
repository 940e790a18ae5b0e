/**
 * Work-done progress while a big document is opened: its parse in slices and its first
 * validation can take seconds, so the editor is told (window/workDoneProgress/create, then
 * `$/progress` begin, report, end) and shows it in its status bar. Only when the client announced
 * `window.workDoneProgress`; other clients get nothing. Nothing of the document's text is shown,
 * only its file name and size.
 */
import type { WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import { fileNameOf } from '../util/uris';

export const PROGRESS_TITLE = 'IIS 6 Metabase';

function size(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} M characters` : `${Math.round(chars / 1000)} k characters`;
}

export class OpeningProgress {
  /** Set from the client's capabilities at initialize. */
  supported = false;
  /** The progress of each document being opened (undefined when the client refused the token). */
  private readonly running = new Map<string, Promise<WorkDoneProgressServerReporter | undefined>>();

  constructor(private readonly create: () => Promise<WorkDoneProgressServerReporter>) {}

  /** A big document is being parsed in slices. */
  parsing(uri: string, chars: number): void {
    this.done(uri);
    if (!this.supported) return;
    const reporter = this.create().then(
      (r) => {
        r.begin(PROGRESS_TITLE, undefined, `Parsing ${fileNameOf(uri)} (${size(chars)})`, false);
        return r;
      },
      () => undefined, // the client refused the token: no progress
    );
    this.running.set(uri, reporter);
  }

  /** Parsed; its first validation runs now. */
  validating(uri: string): void {
    void this.running.get(uri)?.then((r) => r?.report(`Validating ${fileNameOf(uri)}`));
  }

  /** Validated (or closed, or failed): the progress ends. Nothing happens for a document without one. */
  done(uri: string): void {
    const reporter = this.running.get(uri);
    if (!reporter) return;
    this.running.delete(uri);
    void reporter.then((r) => r?.done());
  }
}
