/**
 * UTF-8 encoding and decoding without TextEncoder/TextDecoder (the engine is typed with
 * lib ES2022 only). Strings crossing the guest/host boundary are short (keys, JSON values of
 * a few KiB) except contract sources, so a plain loop is fast enough.
 */

/** Number of UTF-8 bytes of `text`; lone surrogates count as U+FFFD (3 bytes). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Writes `text` as UTF-8 at `offset` followed by a NUL byte; returns the byte length (without NUL). */
export function writeUtf8(heap: Uint8Array, offset: number, text: string): number {
  let p = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      heap[p++] = c;
      continue;
    }
    if (c < 0x800) {
      heap[p++] = 0xc0 | (c >> 6);
      heap[p++] = 0x80 | (c & 63);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
        heap[p++] = 0xf0 | (c >> 18);
        heap[p++] = 0x80 | ((c >> 12) & 63);
        heap[p++] = 0x80 | ((c >> 6) & 63);
        heap[p++] = 0x80 | (c & 63);
        continue;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    heap[p++] = 0xe0 | (c >> 12);
    heap[p++] = 0x80 | ((c >> 6) & 63);
    heap[p++] = 0x80 | (c & 63);
  }
  heap[p] = 0;
  return p - offset;
}

/** Reads a NUL-terminated UTF-8 string starting at `offset` (bounded by `limit` bytes). */
export function readUtf8(heap: Uint8Array, offset: number, limit = heap.length - offset): string {
  const end = Math.min(heap.length, offset + limit);
  let out = '';
  let chunk: number[] = [];
  let p = offset;
  while (p < end) {
    const b = heap[p++]!;
    if (b === 0) break;
    let c: number;
    if (b < 0x80) c = b;
    else if (b >= 0xc0 && b < 0xe0) c = ((b & 31) << 6) | (heap[p++]! & 63);
    else if (b >= 0xe0 && b < 0xf0) c = ((b & 15) << 12) | ((heap[p++]! & 63) << 6) | (heap[p++]! & 63);
    else if (b >= 0xf0) {
      c = ((b & 7) << 18) | ((heap[p++]! & 63) << 12) | ((heap[p++]! & 63) << 6) | (heap[p++]! & 63);
      c -= 0x10000;
      chunk.push(0xd800 + (c >> 10), 0xdc00 + (c & 1023));
      if (chunk.length > 4096) {
        out += String.fromCharCode(...chunk);
        chunk = [];
      }
      continue;
    } else c = 0xfffd;
    chunk.push(c);
    if (chunk.length > 4096) {
      out += String.fromCharCode(...chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) out += String.fromCharCode(...chunk);
  return out;
}

/** True if `text` has no lone surrogates (so its UTF-8 encoding is lossless). */
export function isWellFormedUnicode(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (d < 0xdc00 || d > 0xdfff) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}
