// Feed bytes → text. Order: a byte order mark, else the Content-Type charset, else the XML
// declaration's encoding, else UTF-8, else (bytes that are not UTF-8 and nothing declared)
// windows-1252, as browsers read undeclared pages. Invalid bytes become U+FFFD; nothing here throws.

export interface Decoded {
  text: string;
  encoding: string;
  /** Set when the declared encoding was unknown or the bytes did not fit it. */
  warning?: string;
}

function utf32(bytes: Uint8Array, littleEndian: boolean, skip: number): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: string[] = [];
  for (let i = skip; i + 3 < bytes.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    out.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? String.fromCodePoint(cp) : '\uFFFD');
  }
  return out.join('');
}

type Sniffed = { encoding: string; bom: number };

/** A BOM, or the byte pattern of "<?" in a wide encoding (XML 1.0 appendix F). */
function sniff(b: Uint8Array): Sniffed | undefined {
  const at = (...xs: number[]) => xs.every((x, i) => b[i] === x);
  if (at(0xef, 0xbb, 0xbf)) return { encoding: 'utf-8', bom: 3 };
  if (at(0x00, 0x00, 0xfe, 0xff)) return { encoding: 'utf-32be', bom: 4 };
  if (at(0xff, 0xfe, 0x00, 0x00)) return { encoding: 'utf-32le', bom: 4 };
  if (at(0xfe, 0xff)) return { encoding: 'utf-16be', bom: 2 };
  if (at(0xff, 0xfe)) return { encoding: 'utf-16le', bom: 2 };
  if (at(0x00, 0x00, 0x00, 0x3c)) return { encoding: 'utf-32be', bom: 0 };
  if (at(0x3c, 0x00, 0x00, 0x00)) return { encoding: 'utf-32le', bom: 0 };
  if (at(0x00, 0x3c, 0x00, 0x3f)) return { encoding: 'utf-16be', bom: 0 };
  if (at(0x3c, 0x00, 0x3f, 0x00)) return { encoding: 'utf-16le', bom: 0 };
  return undefined;
}

export function charsetOf(contentType: string | undefined): string | undefined {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '');
  return m?.[1]?.toLowerCase();
}

function declaredEncoding(b: Uint8Array): string | undefined {
  // The declaration is ASCII in every ASCII-compatible encoding; look only at the first bytes.
  const head = new TextDecoder('latin1').decode(b.subarray(0, 1024));
  const m = /^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head.replace(/^[\s\S]*?(?=<\?xml)/, ''));
  return m?.[1]?.toLowerCase();
}

function decodeWith(encoding: string, bytes: Uint8Array, skip: number): string {
  if (encoding === 'utf-32le' || encoding === 'utf-32be') return utf32(bytes, encoding === 'utf-32le', skip);
  const decoder = new TextDecoder(encoding, { ignoreBOM: true });
  // Node 20's one-shot decode reads windows-1252 (and so iso-8859-1 and latin1, its WHATWG labels)
  // as ISO-8859-1, losing “ ” € and the rest of 0x80–0x9F; a streaming decode takes ICU's path.
  if (decoder.encoding === 'windows-1252')
    return decoder.decode(bytes.subarray(skip), { stream: true }) + decoder.decode();
  return decoder.decode(bytes.subarray(skip));
}

function isKnown(encoding: string): boolean {
  if (encoding.startsWith('utf-32')) return true;
  try {
    new TextDecoder(encoding);
    return true;
  } catch {
    return false;
  }
}

export function decodeFeed(bytes: Uint8Array, contentType?: string): Decoded {
  const sniffed = sniff(bytes);
  // The bytes of "<?" in a wide encoding are stronger evidence than any label.
  if (sniffed) return { text: decodeWith(sniffed.encoding, bytes, sniffed.bom), encoding: sniffed.encoding };
  const candidates = [charsetOf(contentType), declaredEncoding(bytes)].filter((e): e is string => Boolean(e));
  let warning: string | undefined;
  for (const encoding of candidates) {
    // A wide encoding named for bytes that are plainly ASCII-compatible is a mislabel: skip it.
    if (/^utf-?(16|32)/.test(encoding)) {
      warning = `declared encoding ${encoding} does not match the bytes`;
      continue;
    }
    if (isKnown(encoding)) return { text: decodeWith(encoding, bytes, 0), encoding, warning };
    warning = `unknown encoding "${encoding}", read as UTF-8`;
  }
  const text = new TextDecoder('utf-8').decode(bytes);
  if (warning || !text.includes('\uFFFD') || Buffer.from(bytes).includes('\uFFFD'))
    return { text, encoding: 'utf-8', warning };
  return {
    text: decodeWith('windows-1252', bytes, 0),
    encoding: 'windows-1252',
    warning: 'no encoding declared and the bytes are not UTF-8: read as windows-1252',
  };
}
