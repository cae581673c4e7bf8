// The reproduction, end to end through `tidings refresh`: a seed document rewritten by
// another source (a new first sentence, a third of the paragraphs dropped, new hashtags) is the
// seed's story, and so is issue 22's rewrite (16 paragraphs trimmed to 9 and reworded, containment
// 0.47); other stories on the same topic, a follow-up that repeats three of its paragraphs among them, stay apart, and `tidings explain` says what kept each apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, HAS_SEED, runCli, SEED, tempDir, writeTree } from '../helpers.js';

const story = (name: string) =>
  readFileSync(join(FIXTURES, 'dedupe/stories', `${name}.txt`), 'utf8')
    .trim()
    .split('\n')
    .slice(1);

describe.skipIf(!HAS_SEED)(`a rewritten seed ${HAS_SEED ? '' : '(skipped: ../shared/seeds is absent)'}`, () => {
  it('merges with the seed, and same-topic stories stay apart', async () => {
    const paragraphs = readFileSync(SEED, 'utf8').split('\n').slice(0, -2);
    const dir = tempDir();
    writeTree(dir, {
      'wire/000.txt': readFileSync(SEED),
      'daily/rewrite.txt': [
        `Islamabad sent Tehran's envoy home on Wednesday after a night of Iranian strikes.`,
        ...paragraphs.slice(1).filter((_, i) => i % 3 !== 1),
        '2024-01-18 14:30:00',
        '#Pakistan #Iran #diplomacy',
      ].join('\n'),
      'daily/follow-up.txt': [
        'Pakistan carried out strikes on militant hideouts inside Iran early on Thursday, a day after expelling the Iranian ambassador, its foreign ministry said.',
        'The ministry said the targets were camps used by separatist groups that had attacked Pakistani security forces, and that no Iranian civilians or soldiers had been harmed.',
        'Iran summoned Pakistan’s chargé d’affaires in Tehran and said at least nine people, among them women and children, had been killed in a village near the border.',
        'China, which has close ties to both countries, offered to mediate and called on them to show restraint.',
        ...[1, 7, 13].map((i) => paragraphs[i]!),
        '2024-01-19 09:00:00',
        '#Pakistan #strikes #Iran',
      ].join('\n'),
      'weekly/reworded.txt': [
        ...readFileSync(join(FIXTURES, 'dedupe/seed/rewrite.txt'), 'utf8').trim().split('\n').slice(1),
        '2024-01-18 18:00:00',
        '#Pakistan #Iran #envoy',
      ].join('\n'),
      'region/floods.txt': [...story('pakistan-floods'), '2024-01-18 12:00:00', '#Pakistan #floods'].join('\n'),
      'region/cricket.txt': [...story('pakistan-cricket'), '2024-01-18 13:00:00', '#Pakistan #cricket'].join('\n'),
      'tidings.yaml': `fetch: {concurrency: 1}
sources:
  - {name: wire, type: seeds, path: wire}
  - {name: daily, type: seeds, path: daily}
  - {name: region, type: seeds, path: region}
  - {name: weekly, type: seeds, path: weekly}
`,
    });
    const args = ['--config', join(dir, 'tidings.yaml'), '--db', join(dir, 't.db')];
    expect((await runCli(['refresh', ...args])).code).toBe(0);

    const listed = JSON.parse(
      `[${(await runCli(['articles', '--json', ...args])).out.trim().split('\n').join(',')}]`,
    ) as { id: string; title: string; published: string; story: string }[];
    const id = (title: string) => listed.find((a) => a.title === title)!.id;
    const storyOf = (title: string) => listed.find((a) => a.title === title)!.story;
    // articles --json gives each article's story: the seed's, for both rewrites; the follow-up's own.
    expect(storyOf('Pakistan Iran envoy')).toBe(storyOf('Pakistan expels Iranian ambassador'));
    expect(storyOf('Pakistan Iran diplomacy')).toBe(storyOf('Pakistan expels Iranian ambassador'));
    expect(storyOf('Pakistan strikes Iran')).toBe(id('Pakistan strikes Iran'));
    expect(listed.find((a) => a.title === 'Pakistan expels Iranian ambassador')!.published).toBe(
      '2024-01-18T11:08:24.000Z',
    );

    const dups = await runCli(['articles', '--duplicates', ...args]);
    const stories = dups.out.split('\n').filter((l) => l.startsWith('story '));
    expect(stories).toHaveLength(1);
    expect(stories[0]).toMatch(/\(3 articles\)/);
    expect(dups.out).toContain('Pakistan expels Iranian ambassador  [canonical, first seen]');
    expect(dups.out).toMatch(
      /Pakistan Iran diplomacy {2}\[near match with \w+, \d+ shingles shared \(\d+ of them quotation\), containment 0\.[89]\d, 10 of 11 paragraphs/,
    );

    const explained = (await runCli(['explain', id('Pakistan strikes Iran'), ...args])).out;
    expect(explained).toContain('not merged with anything; rule 4:');
    expect(explained).toMatch(
      new RegExp(
        `${id('Pakistan expels Iranian ambassador')} {2}"Pakistan expels Iranian ambassador": \\d+ shingles shared.*; kept apart: the shorter text is not mostly contained`,
      ),
    );
    const floods = (await runCli(['explain', id('Pakistan floods'), ...args])).out;
    expect(floods).toMatch(/kept apart: too little shared text|shares any text with it/);
  });
});
