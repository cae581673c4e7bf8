// OPML 2.0 subscription lists: every feed Tidings publishes, or the sources it reads.
import { escapeHtml as e } from '../lib/text.js';
import type { FeedSpec, SiteInfo } from './feeds.js';

export interface Outline {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  categories?: readonly string[];
}

export function renderOpml(title: string, outlines: readonly Outline[]): string {
  const lines = outlines.map(
    (o) =>
      `    <outline type="rss" text="${e(o.title)}" title="${e(o.title)}" xmlUrl="${e(o.xmlUrl)}"${o.htmlUrl ? ` htmlUrl="${e(o.htmlUrl)}"` : ''}${o.categories?.length ? ` category="${e(o.categories.join(','))}"` : ''}/>`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${e(title)}</title>
  </head>
  <body>
${lines.join('\n')}
  </body>
</opml>
`;
}

/** The outlines of published feeds: each one's RSS feed and its page. */
export function feedOutlines(specs: readonly FeedSpec[], site: SiteInfo): Outline[] {
  return specs.map((s) => ({ title: s.title, xmlUrl: `${site.baseUrl}/${s.path}.rss`, htmlUrl: `${site.baseUrl}/${s.page}` }));
}
