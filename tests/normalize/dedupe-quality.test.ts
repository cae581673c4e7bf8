// The near-duplicate rule on the labeled pairs in tests/fixtures/dedupe: precision and recall.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compare, fingerprint, jaccard } from '../../src/dedupe/fingerprint.js';
import { FIXTURES, HAS_SEED, SEED } from '../helpers.js';

type Variant = string | { from: string; title?: string; replace?: [string, string][]; drop?: number[]; add?: string[]; prepend?: string[]; first?: number };
interface Pair {
  kind: string;
  same: boolean;
  a: Variant;
  b: Variant;
}

const DIR = join(FIXTURES, 'dedupe');

export function story(v: Variant): { title: string; text: string } {
  const spec = typeof v === 'string' ? { from: v } : v;
  const [title, ...paragraphs] = readFileSync(join(DIR, 'stories', `${spec.from}.txt`), 'utf8').trim().split('\n');
  let body = paragraphs.map((p) => (spec.replace ?? []).reduce((text, [from, to]) => text.replaceAll(from, to), p));
  body = body.filter((_, i) => !(spec.drop ?? []).includes(i));
  body = [...(spec.prepend ?? []), ...body, ...(spec.add ?? [])];
  if (spec.first) body = body.slice(0, spec.first);
  return { title: spec.title ?? title!, text: body.join('\n') };
}

/** The rule as the store applies it: an LSH candidate (one shared band key), then confirmed. */
function sameStory(a: { title: string; text: string }, b: { title: string; text: string }) {
  const fa = { title: a.title, ...fingerprint(a.title, a.text) };
  const fb = { title: b.title, ...fingerprint(b.title, b.text) };
  const candidate = fa.bands.some((k) => fb.bands.includes(k));
  return { candidate, jaccard: jaccard(fa.shingles, fb.shingles), ...compare(fa, fb) };
}

const pairs: Pair[] = JSON.parse(readFileSync(join(DIR, 'pairs.json'), 'utf8')).pairs;

describe('near-duplicate rule on the labeled set', () => {
  it(`reaches precision 1.0 and recall ≥ 0.9 on ${pairs.length} pairs`, () => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    const wrong: string[] = [];
    for (const p of pairs) {
      const r = sameStory(story(p.a), story(p.b));
      const merged = r.candidate && r.same;
      if (merged && p.same) tp += 1;
      if (merged && !p.same) fp += 1;
      if (!merged && p.same) fn += 1;
      if (merged !== p.same)
        wrong.push(`${p.kind} ${JSON.stringify(p.a).slice(0, 40)} / ${JSON.stringify(p.b).slice(0, 40)}: candidate ${r.candidate}, overlap ${r.overlap.toFixed(2)}, title ${r.title.toFixed(2)}`);
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    console.log(`near-duplicate rule: ${pairs.length} pairs, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (tp ${tp}, fp ${fp}, fn ${fn})${wrong.length ? `\n  ${wrong.join('\n  ')}` : ''}`);
    expect(pairs.length).toBeGreaterThanOrEqual(40);
    expect(precision).toBe(1);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });
});

describe.skipIf(!HAS_SEED)(`the shared seed ${HAS_SEED ? '' : '(skipped: ../shared/seeds is absent)'}`, () => {
  const lines = HAS_SEED ? readFileSync(SEED, 'utf8').split('\n').slice(0, -2) : [];
  const seed = { title: 'Pakistan expels Iranian ambassador', text: lines.join('\n') };

  it('and a lightly edited copy are one story', () => {
    const edited = {
      title: 'Pakistan expels Iran’s envoy after airstrikes',
      text: [`Pakistan expelled Iran’s ambassador on Wednesday and recalled its own envoy from Tehran after Iranian strikes inside Pakistan.`, ...lines.slice(1).filter((_, i) => ![3, 6, 9, 12].includes(i))].join('\n'),
    };
    const r = sameStory(seed, edited);
    expect(r).toMatchObject({ candidate: true, same: true });
    expect(r.jaccard).toBeGreaterThan(0.45);
    expect(r.overlap).toBeGreaterThan(0.8);
  });

  it('and its first eight paragraphs are one story', () => {
    expect(sameStory(seed, { title: seed.title, text: lines.slice(0, 8).join('\n') })).toMatchObject({ candidate: true, same: true });
  });

  it('and a different story sharing the tag Pakistan are not', () => {
    expect(sameStory(seed, story('pakistan-floods')).same).toBe(false);
    expect(sameStory(seed, story('pakistan-cricket')).same).toBe(false);
  });
});
