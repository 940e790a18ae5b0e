/** Small helpers for document uris. */

/** The file name of a uri (the last path segment, decoded), for messages and titles. */
export function fileNameOf(uri: string): string {
  const last = uri.replace(/[?#].*$/, '').split('/').pop() ?? uri;
  try {
    return decodeURIComponent(last) || uri;
  } catch {
    return last || uri;
  }
}
