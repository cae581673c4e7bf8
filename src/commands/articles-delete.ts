// tidings articles delete ID…: takes articles off the site for good; a tombstone keeps each out of
// later refreshes (the feed still carries it), as deleting an entry does in FreshRSS.
import { UsageError } from '../errors.js';
import type { Session } from '../session/session.js';

export async function articlesDeleteCommand(session: Session, { ids }: { ids: string[] }): Promise<number> {
  const store = await session.store();
  const found = await Promise.all(ids.map((id) => store.article(id)));
  const missing = ids.filter((_, i) => !found[i]);
  if (missing.length) throw new UsageError(`no article ${missing.join(', ')} (see tidings articles)`);
  await store.deleteArticles(ids, new Date());
  for (const a of found) session.print(`deleted ${a!.id} (${a!.source}: ${a!.title}); it stays out of later refreshes`);
  return 0;
}
