/**
 * Markers shared by the suite (inside the extension host) and the runner (outside). The extension
 * host forwards console calls to the workbench log unformatted and mixed with the workbench's own
 * logging; the runner shows lines with OUTPUT_MARKER and parses lines with RESULT_MARKER.
 */
export const RESULT_MARKER = '@@iis6-e2e-result@@';
export const OUTPUT_MARKER = '@@iis6-e2e-out@@';

export interface TestResult {
  fullTitle: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}
