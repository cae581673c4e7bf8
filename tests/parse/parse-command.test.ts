// `tidings parse`: what a document is, and what the store will get from it.
import { truncateSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, runCli, tempDir, writeTree } from '../helpers.js';

/** `tidings parse --json` on fixtures, without a configuration: one record per input. */
async function parseJson(...files: string[]) {
  const run = await runCli([
    '--config',
    join(tempDir(), 'none.yaml'),
    'parse',
    '--json',
    ...files.map((f) => join(FIXTURES, f)),
  ]);
  expect(run.err).toBe('');
  return run.out
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
}

describe('tidings parse', () => {
  it.each([
    ['encodings/utf-16le-bom.xml', 'rss', 'UTF-16 ✓ Ünïcödé'],
    ['encodings/utf-16be-bom.xml', 'rss', 'UTF-16 ✓ Ünïcödé'],
    ['encodings/utf-16be-nobom.xml', 'rss', 'UTF-16 ✓ Ünïcödé'],
    ['quirks/utf-16le-nobom.xml', 'atom', 'Wide ümläut ✓'],
  ])('a UTF-16 feed file is a feed, not a seed document: %s', async (file, format, title) => {
    const [record] = await parseJson(file);
    expect(record).toMatchObject({ ok: true, format, feed: { title } });
  });

  it('a text file is still a seed document', async () => {
    const [record] = await parseJson('seeds/no-final-newline.txt');
    expect(record).toMatchObject({ ok: true, format: 'seeds' });
    expect(record.articles).toHaveLength(1);
  });

  it('--json shows the entries as parsed and the articles the store will get', async () => {
    const [record] = await parseJson('quirks/rss-escaped-markup-title.xml');
    // As parsed: the link as written.
    expect(record.entries[0]).toMatchObject({
      title: '<script>alert(1)</script> Title',
      link: 'https://sec.example.org/xss?utm_source=feed&id=7',
    });
    // As stored: the canonical link, without tracking parameters; plain-text title and summary.
    expect(record.articles[0]).toMatchObject({
      identity: 'https://sec.example.org/xss?id=7',
      title: '<script>alert(1)</script> Title',
      link: 'https://sec.example.org/xss?id=7',
      summary: 'Why this payload still works. A write-up.',
    });
    // What only the stages after normalize read is not shown.
    expect(Object.keys(record.articles[0])).not.toContain('paragraphs');
    const [authors] = await parseJson('quirks/atom-inherited-author.xml');
    expect(authors.articles.map((a: { author?: string }) => a.author)).toEqual([
      'Entry Writer',
      'Feed Owner',
      'Source Author',
      'Dee Creator',
      'Ivy Host',
    ]);
  });
});

describe('tidings parse refuses what it cannot show, in one line', () => {
  it('a 304 answer to a plain request', async () => {
    const server = createServer((_req, res) => res.writeHead(304).end());
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/feed.xml`;
    try {
      const run = await runCli(['--config', join(tempDir(), 'none.yaml'), 'parse', '--allow-private-networks', url]);
      expect(run.code).toBe(1);
      expect(run.err.trim().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^error: ${url}: fetch: HTTP 304 Not Modified .* to a request without validators: the server sent no document$`,
          ),
        ),
      ]);
    } finally {
      server.close();
    }
  });

  it.each([['parse'], ['sources add']])('%s: a 1 GB file, by its size, before reading it', async (command) => {
    const dir = tempDir();
    const big = join(dir, 'big.xml');
    writeFileSync(big, '');
    truncateSync(big, 1024 ** 3); // sparse: nothing is written
    writeTree(dir, { 'tidings.yaml': 'sources: []\n' });
    const run = await runCli(['--config', join(dir, 'tidings.yaml'), ...command.split(' '), big]);
    expect(run.code).toBe(1);
    expect(run.err.trim()).toMatch(/big\.xml: larger than the \d+ byte limit$/);
  });
});
