// The normalizer's version: it names what parsing, normalizing, sanitizing and fingerprinting make
// of a feed. It is part of both skip keys (a document's stamp key, an entry's raw hash), and every
// article and source records the version it was last read with, so that a Tidings whose normalizer
// changed reads every source again once and stores what the new one makes of it (issue 26).
//
// tests/normalize/normalizer-version.test.ts keeps it honest: it normalizes a fixed set of entries
// (tests/fixtures/normalizer/) and fails when their output hash is no longer `outputHash`. A change
// that alters the output bumps `version` and records the hash the test prints, in the same commit.
export const NORMALIZER = { version: 3, outputHash: 'f047513c02e4e9ac' } as const;
