// tidings export [--format opml|yaml]: the sources, on standard output.
import { stringify } from 'yaml';
import { renderOpml } from '../publish/opml.js';
import type { Session } from '../session/session.js';

export async function exportCommand(session: Session, { format }: { format: 'opml' | 'yaml' }): Promise<number> {
  const config = session.config();
  if (format === 'yaml') {
    session.print(stringify({ sources: config.sources }).trimEnd());
    return 0;
  }
  // A source's tags are its folders, nested, as `tidings import` made them; htmlUrl is its feed's site.
  const states = new Map((await (await session.store()).fetchStates()).map((s) => [s.name, s]));
  const feeds = config.sources.flatMap((s) => {
    const state = states.get(s.name);
    return s.type === 'feed'
      ? [{ title: s.title ?? state?.feedTitle ?? s.name, xmlUrl: s.url, htmlUrl: state?.feedLink, folders: s.tags }]
      : [];
  });
  session.print(renderOpml(`${config.site.title} subscriptions`, feeds).trimEnd());
  return 0;
}
