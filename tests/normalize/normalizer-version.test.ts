// The normalizer's version is honest (issue 26): a fixed set of documents, parsed, normalized and
// fingerprinted as a refresh does, hashes to the output hash recorded beside NORMALIZER.version.
// When this fails, what is stored of an entry changed: bump the version (stored articles are then
// normalized again at the next refresh) and record the hash the failure prints.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprintEntries } from '../../src/dedupe/fingerprint.js';
import type { Entry } from '../../src/model.js';
import { normalizeFeed, type NormalizeOptions } from '../../src/normalize/normalize-entry.js';
import { NORMALIZER } from '../../src/normalize/normalizer-version.js';
import { parseFeed } from '../../src/parse/parse-feed.js';
import { parseSeeds } from '../../src/parse/seed.js';
import type { RawFeed } from '../../src/parse/types.js';
import { FIXTURES, tempDir } from '../helpers.js';

const DIR = join(FIXTURES, 'normalizer');
const OPTIONS: NormalizeOptions = {
  now: new Date('2024-01-20T00:00:00Z'),
  tags: ['Snapshot'],
  trackingParams: ['ref'],
  tagAliases: { stocks: 'Markets', verkehr: 'Traffic' },
};

async function parsed(file: string): Promise<RawFeed> {
  const bytes = readFileSync(join(DIR, file));
  if (file.endsWith('.txt'))
    return parseSeeds([{ file, identity: file, bytes }], { timezone: 'Europe/Berlin', titleFrom: 'hashtags' });
  return parseFeed(bytes, { url: `https://fixtures.example/${file}`, timezone: 'UTC' });
}

/** What a refresh stores of an entry, less what says which normalizer made it (the raw hash holds its version). */
function stored({ rawHash: _r, normalizer: _n, paragraphs: _p, fingerprint, ...entry }: Entry): unknown {
  return {
    ...entry,
    fingerprint: fingerprint && { ...fingerprint, shingles: [...fingerprint.shingles], marks: [...fingerprint.marks] },
  };
}

/** Every fixture's feed fields and entries, as a refresh makes them. */
async function output(): Promise<unknown[]> {
  const files = readdirSync(DIR).sort();
  return Promise.all(
    files.map(async (file) => {
      const feed = await parsed(file);
      const { entries, refused } = normalizeFeed(feed, OPTIONS);
      const { title, link, ttlMinutes, skipHours, skipDays, format, version } = feed;
      return {
        file,
        feed: { title, link, ttlMinutes, skipHours, skipDays, format, version },
        refused,
        entries: fingerprintEntries(entries).map(stored),
      };
    }),
  );
}

describe('NORMALIZER', () => {
  it('names the output of normalizing: its fixtures hash to the recorded outputHash', async () => {
    const json = JSON.stringify(await output());
    const hash = createHash('sha256').update(json).digest('hex').slice(0, 16);
    if (hash !== NORMALIZER.outputHash) {
      const dump = join(tempDir(), 'normalizer-output.json');
      writeFileSync(dump, json);
      expect.fail(
        `The normalizer's output changed (written to ${dump}). In src/normalize/normalizer-version.ts, ` +
          `set outputHash to '${hash}' and bump version to ${NORMALIZER.version + 1}, so that stored articles are normalized again.`,
      );
    }
  });

  it('covers what it should: every fixture gives entries, and the tricky parts are in them', async () => {
    const all = JSON.stringify(await output());
    for (const file of readdirSync(DIR)) expect(all).toContain(`"file":"${file}"`);
    expect(all).not.toMatch(/<script|<iframe|onclick|onerror|javascript:/);
    expect(all).toContain('"link":"https://news.example.org/markets/rally?id=7"');
    expect(all).toContain('"undated":true');
    expect(all).toContain('"exact"');
  });
});
