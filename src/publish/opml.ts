// OPML 2.0 subscription lists: every feed Tidings publishes, or the sources it reads. Folders are
// nested outlines, as readers (and `tidings import`) read them.
import type { FeedSpec, SiteInfo } from './feeds.js';
import { feedPath, parseRoute } from './routes.js';
import { siteUrl } from './urls.js';
import { element, xmlText } from './xml-safe.js';

export interface Outline {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  /** The folders it is in, outermost first: ["Tech", "News"] is in News, inside Tech. */
  folders?: readonly string[];
}

interface Folder {
  feeds: Outline[];
  folders: Map<string, Folder>;
}

const emptyFolder = (): Folder => ({ feeds: [], folders: new Map() });

/** Outlines in a tree of folders, in the order each folder and feed first appears. */
function folderTree(outlines: readonly Outline[]): Folder {
  const root = emptyFolder();
  for (const o of outlines) {
    let at = root;
    for (const name of o.folders ?? []) {
      let next = at.folders.get(name);
      if (!next) at.folders.set(name, (next = emptyFolder()));
      at = next;
    }
    at.feeds.push(o);
  }
  return root;
}

function renderFolder(folder: Folder, indent: string): string[] {
  const feeds = folder.feeds.map(
    (o) =>
      `${indent}${element('outline', { type: 'rss', text: o.title, title: o.title, xmlUrl: o.xmlUrl, htmlUrl: o.htmlUrl })}`,
  );
  const folders = [...folder.folders].map(
    ([name, inner]) =>
      `${indent}${element('outline', { text: name, title: name }, `\n${renderFolder(inner, `${indent}  `).join('\n')}\n${indent}`)}`,
  );
  return [...feeds, ...folders];
}

export function renderOpml(title: string, outlines: readonly Outline[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0">
  <head>
    <title>${xmlText(title)}</title>
  </head>
  <body>
${renderFolder(folderTree(outlines), '    ').join('\n')}
  </body>
</opml>
`;
}

/** The outlines of published feeds: each one's RSS feed and its page, tags and sources in folders of their own. */
export function feedOutlines(specs: readonly FeedSpec[], site: SiteInfo): Outline[] {
  const folderOf = (path: string) => {
    const route = parseRoute(feedPath(path, 'rss'));
    return route?.kind !== 'feed' ? [] : route.list === 'tags' ? ['Tags'] : route.list === 'sources' ? ['Sources'] : [];
  };
  return specs.map((s) => ({
    title: s.title,
    xmlUrl: siteUrl(site, feedPath(s.path, 'rss')),
    htmlUrl: siteUrl(site, s.page),
    folders: folderOf(s.path),
  }));
}
