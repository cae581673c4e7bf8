// HTML pages: the index of every feed, tag and source pages, article pages. Everything printed is escaped.
import type { Article } from '../model.js';
import { escapeHtml as e } from '../lib/text.js';
import { FEED_FORMATS, articleUrl, type FeedSpec, type SiteInfo } from './feeds.js';

export interface Listing {
  spec: FeedSpec;
  count: number;
  /** A short status line, for sources. */
  status?: string;
}

export interface IndexPage {
  title: string;
  description: string;
  site: Listing;
  tags: Listing[];
  sources: Listing[];
}

const FORMAT_NAMES = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;
const FORMAT_TYPES = { rss: 'application/rss+xml', atom: 'application/atom+xml', json: 'application/feed+json' } as const;

function layout(title: string, site: SiteInfo, head: string, body: string): string {
  return `<!doctype html>
<html lang="${e(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
${head}<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#222}
a{color:#0645ad}ul.feeds{list-style:none;padding:0}ul.feeds li{margin:.3rem 0}
.links a{font-size:.85em;margin-left:.5em}.meta{color:#666;font-size:.9em}
article img{max-width:100%;height:auto}
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function autodiscovery(spec: FeedSpec, site: SiteInfo): string {
  return FEED_FORMATS.map(
    (f) => `<link rel="alternate" type="${FORMAT_TYPES[f]}" title="${e(spec.title)} (${FORMAT_NAMES[f]})" href="${e(`${site.baseUrl}/${spec.path}.${f}`)}">\n`,
  ).join('');
}

function feedLinks(spec: FeedSpec, site: SiteInfo): string {
  return FEED_FORMATS.map((f) => `<a href="${e(`${site.baseUrl}/${spec.path}.${f}`)}">${FORMAT_NAMES[f]}</a>`).join(' ');
}

function listing(item: Listing, site: SiteInfo, label: string): string {
  const status = item.status ? ` <span class="meta">${e(item.status)}</span>` : '';
  return `<li><a href="${e(`${site.baseUrl}/${item.spec.page}`)}">${e(label)}</a> <span class="meta">(${item.count})</span>${status} <span class="links">${feedLinks(item.spec, site)}</span></li>`;
}

export function renderIndex(page: IndexPage, site: SiteInfo): string {
  const label = (l: Listing) => l.spec.title.split(' · ').at(-1) ?? l.spec.title;
  const body = `<h1>${e(page.title)}</h1>
<p>${e(page.description)}</p>
<h2>All articles</h2>
<ul class="feeds">${listing(page.site, site, 'Everything')}</ul>
<h2>Tags</h2>
<ul class="feeds">
${page.tags.map((t) => listing(t, site, label(t))).join('\n')}
</ul>
<h2>Sources</h2>
<ul class="feeds">
${page.sources.map((s) => listing(s, site, label(s))).join('\n')}
</ul>
<p class="meta"><a href="${e(`${site.baseUrl}/subscriptions.opml`)}">OPML of every feed</a></p>`;
  return layout(page.title, site, autodiscovery(page.site.spec, site), body);
}

function articleItem(article: Article, site: SiteInfo): string {
  return `<li><a href="${e(articleUrl(site, article.id))}">${e(article.title)}</a> <span class="meta">${e(article.published.toISOString().slice(0, 10))}</span></li>`;
}

/** A tag's or a source's page: its latest articles. */
export function renderListPage(spec: FeedSpec, articles: Article[], site: SiteInfo, siteTitle: string): string {
  const body = `<p><a href="${e(`${site.baseUrl}/`)}">${e(siteTitle)}</a></p>
<h1>${e(spec.title)}</h1>
<p class="links">${feedLinks(spec, site)}</p>
<ul>
${articles.map((a) => articleItem(a, site)).join('\n')}
</ul>`;
  return layout(spec.title, site, autodiscovery(spec, site), body);
}

export interface Carrier {
  source: string;
  title: string;
  link?: string;
}

/** One article. Its content was sanitized when it was stored. */
export function renderArticlePage(article: Article, carriers: Carrier[], site: SiteInfo, siteTitle: string): string {
  const tags = article.tags
    .map((t) => `<a href="${e(`${site.baseUrl}/tags/${encodeURIComponent(t.slug)}`)}">${e(t.label)}</a>`)
    .join(', ');
  const sources = carriers
    .map((c) => `<li><a href="${e(`${site.baseUrl}/sources/${encodeURIComponent(c.source)}`)}">${e(c.title)}</a>${c.link ? ` · <a href="${e(c.link)}">original</a>` : ''}</li>`)
    .join('\n');
  const body = `<p><a href="${e(`${site.baseUrl}/`)}">${e(siteTitle)}</a></p>
<article>
<h1>${e(article.title)}</h1>
<p class="meta"><time datetime="${article.published.toISOString()}">${e(article.published.toISOString().replace('T', ' ').slice(0, 16))} UTC</time>${article.author ? ` · ${e(article.author)}` : ''}</p>
${article.content}
</article>
${tags ? `<p class="meta">Tags: ${tags}</p>` : ''}
<h2>Sources</h2>
<ul>
${sources}
</ul>
${article.link ? `<p><a href="${e(article.link)}">Read the original</a></p>` : ''}`;
  return layout(article.title, site, '', body);
}
