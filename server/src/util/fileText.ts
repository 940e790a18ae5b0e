/**
 * Decodes a metabase file's bytes. IIS writes UTF-8 (with a BOM); a UTF-16 file (BOM FF FE or
 * FE FF) is decoded as such. Invalid UTF-8 becomes U+FFFD, which the scanner treats as binary
 * junk when there is a lot of it.
 */
export function decodeFileBytes(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  return new TextDecoder('utf-8').decode(bytes);
}
