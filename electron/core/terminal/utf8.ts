// Terminal output is sent in batches of bytes; a batch never ends inside a UTF-8 character, so
// each batch is whole text on its own (for the recording, and for any reader that decodes per
// message). The 0–3 bytes of a character cut by the network wait for the next batch.

/** The length of the longest prefix of `bytes` that does not end inside a UTF-8 character. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const n = bytes.length;
  // Step back over at most three continuation bytes (10xxxxxx) to the character's first byte.
  let i = n - 1;
  while (i >= 0 && i > n - 4 && (bytes[i]! & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = bytes[i]!;
  const size = lead < 0x80 ? 1 : (lead & 0xe0) === 0xc0 ? 2 : (lead & 0xf0) === 0xe0 ? 3 : (lead & 0xf8) === 0xf0 ? 4 : 1;
  // Cut before an incomplete character; anything else (complete, or not UTF-8 at all) goes as is.
  return i + size > n ? i : n;
}
