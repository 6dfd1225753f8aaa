/** 3 when the bytes start with UTF-8's byte order mark (EF BB BF), else 0: how many bytes a reader skips. */
export function utf8BomLength(bytes: Uint8Array): number {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
}
