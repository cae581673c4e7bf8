// The copies rule on the labeled real news of tests/fixtures/real-news (issue 22): precision and recall
// by kind, pair by pair and end to end through a refresh of the sets as seed documents (the way the
// held-out sets are scored), and the curve of each threshold, from which the defaults were chosen.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load-config.js';
import { fingerprint, lookupKeys } from '../../src/dedupe/fingerprint.js';
import { DEFAULT_RULE, measure, pathOf, type Figures, type NearRule } from '../../src/dedupe/near-rule.js';
import { silentLogger } from '../../src/log.js';
import { refreshAll } from '../../src/refresh-all.js';
import { openStore } from '../../src/store/open-store.js';
import { WorkerPool } from '../../src/work/pool.js';
import { tempDir, writeTree } from '../helpers.js';
import { HAS_REAL_NEWS, loadRealNews, REAL_NEWS, scoreCopies, type CopyFigures, type CopyPair } from './real-news.js';

// seeds.mjs is plain JavaScript beside the data: one seed document per article.
const { seedDocument } = (await import(join(REAL_NEWS, 'seeds.mjs'))) as { seedDocument: (a: unknown) => string };

/** Each threshold's values on the curve; the default is among them. */
const CURVES: [keyof NearRule, number[]][] = [
  ['minShared', [15, 20, 25, 30, 35, 40]],
  ['containment', [0.4, 0.45, 0.5, 0.55, 0.6]],
  ['spread', [0.5, 0.6, 0.67, 0.75, 0.8]],
  ['lowContainment', [0.3, 0.35, 0.4, 0.45, 0.5]],
  ['lead', [0.3, 0.4, 0.5, 0.6, 0.7, 0.8]],
  ['broadSpread', [0.6, 0.67, 0.75, 0.8, 0.9]],
  ['teaserTitle', [0.5, 0.6, 0.7, 0.8, 0.9, 1]],
  ['teaserText', [40, 80, 120, 160, 200]],
];

const line = (name: string, s: CopyFigures) =>
  `${name}: precision ${s.precision.toFixed(3)}, recall ${s.recall.toFixed(3)}\n${Object.entries(s.byKind)
    .sort()
    .map(([kind, k]) => `  ${kind}: ${k.together} of ${k.of} together`)
    .join('\n')}`;

describe.skipIf(!HAS_REAL_NEWS)('copies on the labeled real news', () => {
  const { articles, pairs, byId } = loadRealNews();
  const sides = new Map(
    articles.map((a) => {
      const fp = fingerprint(a.title, a.paragraphs.join('\n'));
      return [a.id, { title: a.title, published: new Date(a.published), ...fp }] as const;
    }),
  );
  // Each pair's figures once, and whether the index proposes it (the later one looks up its own keys).
  const judged = pairs.map((p) => {
    const a = sides.get(p.a)!;
    const b = sides.get(p.b)!;
    const keys = new Set(a.bands);
    return { pair: p, figures: measure(a, b), proposed: lookupKeys(b.bands).some((k) => keys.has(k)) };
  });
  /** The pairs as the rule with these settings judges them, one by one. */
  const scoreRule = (rule: NearRule) =>
    pairScore(judged.map((j) => ({ pair: j.pair, together: j.proposed && pathOf(j.figures, rule) !== undefined })));

  it(`reaches precision 1.000 and recall ≥ 0.98 pair by pair on ${pairs.length} labeled pairs`, () => {
    const s = scoreRule(DEFAULT_RULE);
    console.log(line('copies rule, pair by pair', s));
    expect(pairs.filter((p) => p.same).length).toBeGreaterThanOrEqual(200);
    expect(s.precision).toBe(1);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
  });

  it('prints the curve of each threshold; the defaults sit on a plateau at precision 1.000', () => {
    const rows: string[] = [];
    for (const [key, values] of CURVES) {
      for (const value of values) {
        const s = scoreRule({ ...DEFAULT_RULE, [key]: value });
        rows.push(
          `  ${key} ${value}${value === DEFAULT_RULE[key] ? ' (default)' : ''}: precision ${s.precision.toFixed(4)}, recall ${s.recall.toFixed(4)}`,
        );
      }
    }
    console.log(`curves on the real-news pairs (one threshold moved at a time):\n${rows.join('\n')}`);
    for (const [key] of CURVES) expect(scoreRule({ ...DEFAULT_RULE, [key]: DEFAULT_RULE[key] }).precision).toBe(1);
  });

  it('finds every verbatim, edited, excerpt and teaser copy among the real pages and the derived ones', () => {
    const missed = judged.filter((j) => j.pair.same && !(j.proposed && pathOf(j.figures, DEFAULT_RULE)));
    const described = (f: Figures) =>
      `containment ${f.containment.toFixed(2)}, leads ${f.lead.toFixed(2)}, ${f.paragraphs} of ${f.ofParagraphs} paragraphs`;
    console.log(
      `missed:\n${missed.map((j) => `  ${j.pair.kind}${j.pair.real ? ' (real)' : ''}: ${byId.get(j.pair.a)!.outlet} / ${byId.get(j.pair.b)!.outlet}: ${described(j.figures)}`).join('\n')}`,
    );
    expect(missed.filter((j) => j.pair.kind !== 'rewrite' && j.pair.via !== 'common-source')).toEqual([]);
  });

  describe('end to end: the sets as seed documents, one source per outlet, through a refresh', () => {
    const work = new WorkerPool();
    afterAll(() => work.close());

    it('precision 1.000 and recall ≥ 0.98 from the story ids the store gives', async () => {
      const dir = tempDir();
      const tree: Record<string, string> = {};
      const outlets = new Map<string, string>();
      for (const a of articles) {
        const source = a.outlet
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .replace(/^-|-$/g, '');
        outlets.set(source, source);
        tree[`seeds/${source}/${a.id.replace(/[^A-Za-z0-9._~-]/g, '_')}.txt`] = seedDocument(a);
      }
      const yaml = `sources:\n${[...outlets.keys()]
        .sort()
        .map((s) => `  - {name: ${s}, type: seeds, path: seeds/${s}}`)
        .join('\n')}\n`;
      writeTree(dir, { ...tree, 'tidings.yaml': yaml });
      const store = await openStore(join(dir, 't.db'));
      try {
        await refreshAll({ config: parseConfig(yaml, join(dir, 'tidings.yaml')), store, work, log: silentLogger });
        const stored = await store.articles({ limit: 100_000 });
        const storyOf = new Map(stored.map((a) => [a.identity.replace(/\.txt$/, ''), a.story!]));
        const s = scoreCopies(pairs, (id) => storyOf.get(id.replace(/[^A-Za-z0-9._~-]/g, '_')));
        console.log(
          line(`copies end to end (${stored.length} articles, ${new Set(storyOf.values()).size} stories)`, s),
        );
        writeFileSync('/tmp/i22-e2e.json', JSON.stringify([...storyOf]));
        expect(stored).toHaveLength(articles.length);
        expect(s.precision).toBe(1);
        expect(s.recall).toBeGreaterThanOrEqual(0.98);
      } finally {
        await store.close();
      }
    }, 300_000);
  });
});

/** Precision and recall of pairs judged one by one (not grouped into stories), by kind. */
function pairScore(judged: { pair: CopyPair; together: boolean }[]): CopyFigures {
  const byKind: CopyFigures['byKind'] = {};
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const { pair: p, together } of judged) {
    const row = (byKind[`${p.same ? 'same' : 'different'}/${p.kind}${p.real ? '/real' : ''}`] ??= {
      together: 0,
      of: 0,
    });
    row.of += 1;
    if (together) row.together += 1;
    if (p.same && together) tp += 1;
    else if (p.same) fn += 1;
    else if (together) fp += 1;
  }
  return { precision: tp + fp ? tp / (tp + fp) : 1, recall: tp + fn ? tp / (tp + fn) : 1, byKind };
}
