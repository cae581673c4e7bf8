// OPML 2.0 subscription lists: every feed Tidings publishes, or the sources it reads.
import type { FeedSpec, SiteInfo } from './feeds.js';
import { siteUrl } from './urls.js';
import { element, xmlText } from './xml-safe.js';

export interface Outline {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  categories?: readonly string[];
}

export function renderOpml(title: string, outlines: readonly Outline[]): string {
  const lines = outlines.map(
    (o) => `    ${element('outline', { type: 'rss', text: o.title, title: o.title, xmlUrl: o.xmlUrl, htmlUrl: o.htmlUrl, category: o.categories?.length ? o.categories.join(',') : undefined })}`,
  );
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${xmlText(title)}</title>
  </head>
  <body>
${lines.join('\n')}
  </body>
</opml>
`;
}

/** The outlines of published feeds: each one's RSS feed and its page. */
export function feedOutlines(specs: readonly FeedSpec[], site: SiteInfo): Outline[] {
  return specs.map((s) => ({ title: s.title, xmlUrl: siteUrl(site, `${s.path}.rss`), htmlUrl: siteUrl(site, s.page) }));
}
