// tidings sources remove NAME [--purge]: out of the configuration, and so off the site at once; its
// articles are deleted after retention.removedSourceDays, or now with --purge. A source already gone
// from the configuration (edited by hand) whose articles remain is found by name too.
import { removeSource } from '../config/edit-config.js';
import { readConfig } from '../config/cached-config.js';
import { UsageError } from '../errors.js';
import { plural } from '../lib/plural.js';
import { describeRemoved, followConfiguration, purgeRemovedSources } from '../removed-sources.js';
import type { Session } from '../session/session.js';
import { tellDaemon } from '../session/tell-daemon.js';

export async function sourcesRemoveCommand(
  session: Session,
  { name, purge }: { name: string; purge: boolean },
): Promise<number> {
  const config = session.config();
  const store = await session.store();
  const configured = config.sources.some((s) => s.name === name);
  if (!configured && !(await store.removedSources()).some((r) => r.name === name))
    throw new UsageError(`unknown source: ${name} (see ${config.file})`);
  if (configured) {
    removeSource(config.file, name);
    session.print(`removed ${name} from ${config.file}`);
  } else session.print(`${name} is not in ${config.file} any more`);
  const now = new Date();
  const after = await readConfig(config.file);
  await followConfiguration(after, store, now);
  if (purge) {
    const purged = (await purgeRemovedSources(after, store, now, [name])).get(name) ?? 0;
    session.print(`purged ${plural(purged, 'article')} of ${name}`);
  } else {
    const removed = (await store.removedSources()).find((r) => r.name === name);
    if (removed) session.print(`its articles are off the site and feeds now; ${describeRemoved(after, removed)}`);
  }
  await tellDaemon(session);
  return 0;
}
