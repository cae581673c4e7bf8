// tidings export [--format opml|yaml]: the sources, on standard output.
import { stringify } from 'yaml';
import { renderOpml } from '../publish/opml.js';
import type { Session } from './session.js';

export async function exportCommand(session: Session, { format }: { format: 'opml' | 'yaml' }): Promise<number> {
  const config = session.config();
  if (format === 'yaml') {
    session.print(stringify({ sources: config.sources }).trimEnd());
    return 0;
  }
  const feeds = config.sources.flatMap((s) => (s.type === 'feed' ? [{ title: s.title ?? s.name, xmlUrl: s.url, categories: s.tags }] : []));
  session.print(renderOpml(`${config.site.title} subscriptions`, feeds).trimEnd());
  return 0;
}
