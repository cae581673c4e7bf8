// A JSON Feed whose strings hold every character XML forbids (its \u escapes can name any, NUL and
// lone surrogates included), through `tidings refresh` and `tidings build`: nothing unsafe is
// stored, every file written is well-formed, and the tags are pages with letter-and-digit slugs.
// Before, such a tag made all.atom and subscriptions.opml ill-formed, and a NUL or a lone surrogate
// made the build (or, on PostgreSQL, the refresh) fail.
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sax from 'sax';
import { beforeEach, describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';
import { forEachStore } from '../stores.js';
import { hasUnsafe, unsafeStrings } from './unsafe-chars.js';

/** The first well-formedness error a strict XML parser finds, or undefined. */
function xmlError(xml: string): string | undefined {
  const parser = sax.parser(true);
  let error: string | undefined;
  parser.onerror = (err) => {
    error ??= err.message.split('\n')[0];
    parser.resume();
  };
  parser.write(xml).close();
  return error;
}

forEachStore((kind) =>
  describe('a JSON Feed with hostile strings, refreshed and built', () => {
    let dir: string;
    let args: string[];
    const cli = (...rest: string[]) => runCli([...rest, ...args]);

    beforeEach(async () => {
      dir = tempDir();
      copyFileSync(join(FIXTURES, 'normalize/hostile-text.json'), join(dir, 'hostile.json'));
      writeTree(dir, {
        'tidings.yaml':
          'site:\n  title: Hostile\n  baseUrl: https://site.example\nsources:\n  - {name: hostile, type: file, path: hostile.json}\n',
      });
      args = [
        '--config',
        join(dir, 'tidings.yaml'),
        '--db',
        kind.name === 'sqlite' ? join(dir, 't.db') : await kind.location(),
      ];
    });

    it('stores nothing unsafe, and writes only well-formed files', async () => {
      const refresh = await cli('refresh');
      expect(refresh).toMatchObject({ code: 0, out: 'hostile: 2 new, 0 updated, 0 unchanged\n' });

      const listed = await cli('articles', '--json');
      const articles = listed.out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { title: string; tags: { slug: string; label: string }[] });
      expect(unsafeStrings(articles)).toEqual([]);
      const hostile = articles.find((a) => a.title.startsWith('Ho'))!;
      // In text, a C1 control is read as the windows-1252 character it stands for (U+0085 "…", U+009F "ÿ"); elsewhere it goes.
      expect(hostile).toMatchObject({
        title: 'Hostile title…',
        author: 'Author',
        summary: 'Summaryÿ',
        language: 'en',
        enclosures: [{ url: 'https://hostile.example/e.mp3', type: 'audio/mpeg' }],
      });
      expect(hostile.tags).toEqual(
        ['ab', 'cd', 'ef', 'gh', 'television-radio', 'ij', 'kl'].map((slug) => expect.objectContaining({ slug })),
      );
      expect(hostile.tags.find((t) => t.slug === 'television-radio')!.label).toBe('Television & Radio');

      const out = join(dir, 'out');
      const build = await cli('build', '--out', out);
      expect(build).toMatchObject({ code: 0, err: '' });
      const files = readdirSync(out, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name));
      expect(files.length).toBeGreaterThan(10);
      for (const file of files) {
        const text = readFileSync(file, 'utf8');
        expect(hasUnsafe(text), file).toBe(false);
        if (/\.(rss|atom|opml|xml)$/.test(file)) expect(xmlError(text), file).toBeUndefined();
        if (file.endsWith('.json')) expect(unsafeStrings(JSON.parse(text)), file).toEqual([]);
      }
      const tagFeeds = readdirSync(join(out, 'tags')).filter((f) => f.endsWith('.rss'));
      expect(tagFeeds.sort()).toEqual([
        'ab.rss',
        'cd.rss',
        'ef.rss',
        'gh.rss',
        'ij.rss',
        'kl.rss',
        'television-radio.rss',
      ]);
    });
  }),
);
