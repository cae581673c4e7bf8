// tidings import FILE.opml: the feeds of an OPML file become sources; folders and categories tags.
import { readFileSync } from 'node:fs';
import { addSources } from '../config/edit-config.js';
import { errorMessage, InputError } from '../errors.js';
import { parseOpml } from '../parse/opml.js';
import type { Session } from '../session/session.js';
import { fetchAndParse } from '../session/read-feed.js';
import { freeName } from '../config/source-name.js';
import { tellDaemon } from '../session/tell-daemon.js';
import { plural } from '../lib/plural.js';

export async function importCommand(
  session: Session,
  { file, check }: { file: string; check: boolean },
): Promise<number> {
  const config = session.config();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
  }
  const { subscriptions, ignored } = await parseOpml(text, file);
  const known = new Set(config.sources.flatMap((s) => (s.type === 'feed' ? [s.url] : [])));
  const taken = new Set(config.sources.map((s) => s.name));
  const added: Record<string, unknown>[] = [];
  const skipped: string[] = [...ignored];
  for (const sub of subscriptions) {
    let url: string;
    try {
      url = new URL(sub.xmlUrl).href;
      if (!/^https?:$/.test(new URL(url).protocol)) throw new Error('not http');
    } catch {
      skipped.push(`${sub.xmlUrl}: not an http(s) URL`);
      continue;
    }
    if (known.has(url) || known.has(sub.xmlUrl)) {
      skipped.push(`${sub.xmlUrl}: already a source`);
      continue;
    }
    known.add(url);
    added.push({
      name: freeName(sub.title, new URL(url).hostname.replace(/^www\./, ''), taken),
      title: sub.title,
      type: 'feed',
      url: sub.xmlUrl,
      ...(sub.tags.length ? { tags: sub.tags } : {}),
    });
  }
  if (check) {
    // A first fetch of each, a few at a time: a feed that fails it is left out, with its reason.
    const failed = new Set<Record<string, unknown>>();
    const queue = [...added];
    const fetchOne = async (): Promise<void> => {
      for (let source = queue.shift(); source; source = queue.shift()) {
        await fetchAndParse(session, source.url as string).catch((err) => {
          failed.add(source!);
          skipped.push(`${source!.url}: failed a first fetch: ${errorMessage(err)}`);
        });
      }
    };
    await Promise.all(Array.from({ length: config.fetch.concurrency }, fetchOne));
    added.splice(0, added.length, ...added.filter((a) => !failed.has(a)));
  }
  if (added.length) addSources(config.file, added);
  session.print(
    `${file}: ${plural(subscriptions.length, 'feed')}${ignored.length ? ` and ${plural(ignored.length, 'outline')} without one` : ''}; added ${added.length}, skipped ${skipped.length}${check ? '' : ' (not fetched: --check fetches each first)'}`,
  );
  for (const a of added)
    session.print(
      `  added ${a.name}: ${a.url}${(a.tags as string[] | undefined)?.length ? ` [${(a.tags as string[]).join(', ')}]` : ''}`,
    );
  for (const s of skipped) session.print(`  skipped ${s}`);
  if (added.length) await tellDaemon(session);
  return 0;
}
