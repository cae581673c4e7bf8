// What no stored string may hold, defined apart from the code under test, from XML 1.0 §2.2 and
// Unicode: outside Char (C0 controls but tab, LF and CR; surrogates; U+FFFE, U+FFFF), the
// controls §2.2 discourages (DEL, C1), and the noncharacters.

function isUnsafe(codePoint: number): boolean {
  if (codePoint < 0x20) return codePoint !== 0x09 && codePoint !== 0x0a && codePoint !== 0x0d;
  return (
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0xd800 && codePoint <= 0xdfff) ||
    (codePoint >= 0xfdd0 && codePoint <= 0xfdef) ||
    (codePoint & 0xfffe) === 0xfffe
  );
}

export function hasUnsafe(text: string): boolean {
  for (const char of text) if (isUnsafe(char.codePointAt(0)!)) return true;
  return false;
}

/** Every string in `value` (objects and arrays walked) that holds an unsafe character, by its path. */
export function unsafeStrings(value: unknown, path = '$'): string[] {
  if (typeof value === 'string') return hasUnsafe(value) ? [`${path}: ${JSON.stringify(value)}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unsafeStrings(v, `${path}[${i}]`));
  if (value && typeof value === 'object' && !(value instanceof Date))
    return Object.entries(value).flatMap(([k, v]) => unsafeStrings(v, `${path}.${k}`));
  return [];
}

/** One sample of each class, as raw characters (for JSON and hand-built entries). */
export const UNSAFE_CLASSES: [string, string][] = [
  ['NUL', '\u0000'],
  ['C0 controls', '\u0001\u0008\u000b\u000c\u001f'],
  ['DEL', '\u007f'],
  // The C1 controls windows-1252 leaves undefined: the others are read as windows-1252 in text.
  ['C1 controls', '\u0081\u008d\u008f\u0090\u009d'],
  ['lone surrogates', '\udfff\ud800'], // a low one first: the two are no pair
  ['U+FFFE and U+FFFF', '\ufffe\uffff'],
  ['noncharacters', '\ufdd0\ufdef\u{1fffe}\u{10ffff}'],
];
