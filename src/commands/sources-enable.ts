// tidings sources enable NAME: fetch a source again after HTTP 410 or a Retry-After.
import { UsageError } from '../errors.js';
import type { Session } from '../session/session.js';

export async function sourcesEnableCommand(session: Session, { name }: { name: string }): Promise<number> {
  const config = session.config();
  if (!config.sources.some((s) => s.name === name))
    throw new UsageError(`unknown source: ${name} (see ${config.file})`);
  await (await session.store()).enableSource(name);
  session.print(`${name}: enabled; it will be fetched at the next refresh`);
  return 0;
}
