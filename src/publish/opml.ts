// OPML 2.0 listing every feed Tidings publishes.
import { escapeHtml as e } from '../normalize/text.js';
import type { FeedSpec, SiteInfo } from './feeds.js';

export function renderOpml(title: string, specs: FeedSpec[], site: SiteInfo): string {
  const outlines = specs.map(
    (s) =>
      `    <outline type="rss" text="${e(s.title)}" title="${e(s.title)}" xmlUrl="${e(`${site.baseUrl}/${s.path}.rss`)}" htmlUrl="${e(`${site.baseUrl}/${s.page}`)}"/>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${e(title)}</title>
  </head>
  <body>
${outlines.join('\n')}
  </body>
</opml>
`;
}
