// tidings build --out DIR: every feed and page, written to a folder.
import { resolve } from 'node:path';
import { siteBaseUrl } from '../config/schema.js';
import { writeFiles } from '../lib/write-files.js';
import { renderSite } from '../site.js';
import type { Session } from '../session/session.js';
import { plural } from '../lib/plural.js';

export async function buildCommand(session: Session, { out }: { out: string }): Promise<number> {
  const config = session.config();
  // Feeds and OPML need absolute URLs: without a baseUrl they would point at localhost, silently.
  if (!config.site.baseUrl)
    session.io.err.write(
      `note: site.baseUrl is not set in ${config.file}, so feeds and OPML link to ${siteBaseUrl(config.site)}; set it to where readers reach the site\n`,
    );
  const count = await writeFiles(resolve(out), renderSite({ config, store: await session.store(), log: session.log }));
  session.print(`wrote ${plural(count, 'file')} to ${resolve(out)}`);
  return 0;
}
