// tidings sources remove NAME [--purge]: out of the configuration (and its articles out of the store).
import { removeSource } from '../config/edit-config.js';
import { UsageError } from '../errors.js';
import type { Session } from './session.js';
import { tellDaemon } from './tell-daemon.js';
import { plural } from '../lib/plural.js';

export async function sourcesRemoveCommand(session: Session, { name, purge }: { name: string; purge: boolean }): Promise<number> {
  const config = session.config();
  if (!config.sources.some((s) => s.name === name)) throw new UsageError(`unknown source: ${name} (see ${config.file})`);
  removeSource(config.file, name);
  session.print(`removed ${name} from ${config.file}`);
  if (purge) {
    const store = await session.store();
    const ids = (await store.articles({ source: name })).map((a) => a.id);
    session.print(`purged ${plural(await store.deleteArticles(ids, new Date()), 'article')} of ${name}`);
  }
  await tellDaemon(session);
  return 0;
}
