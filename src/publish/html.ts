// HTML pages: the index of every feed, tag and source pages, article pages. Everything printed is escaped.
import { escapeHtml } from '../lib/text.js';
import { safeText } from '../lib/xml-chars.js';
import type { Article } from '../model.js';
import { FEED_FORMATS, type FeedSpec, type SiteInfo } from './feeds.js';
import { displayTitle } from './item.js';
import { absoluteLinks, articleUrl, isPublishedTag, siteUrl, webUrl } from './urls.js';

const e = (text: string) => escapeHtml(safeText(text));

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
    (f) => `<link rel="alternate" type="${FORMAT_TYPES[f]}" title="${e(spec.title)} (${FORMAT_NAMES[f]})" href="${e(siteUrl(site, `${spec.path}.${f}`))}">\n`,
  ).join('');
}

function feedLinks(spec: FeedSpec, site: SiteInfo): string {
  return FEED_FORMATS.map((f) => `<a href="${e(siteUrl(site, `${spec.path}.${f}`))}">${FORMAT_NAMES[f]}</a>`).join(' ');
}

function listing(item: Listing, site: SiteInfo, label: string): string {
  const status = item.status ? ` <span class="meta">${e(item.status)}</span>` : '';
  return `<li><a href="${e(siteUrl(site, item.spec.page))}">${e(label)}</a> <span class="meta">(${item.count})</span>${status} <span class="links">${feedLinks(item.spec, site)}</span></li>`;
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
<p class="meta"><a href="${e(siteUrl(site, 'subscriptions.opml'))}">OPML of every feed</a></p>`;
  return layout(page.title, site, autodiscovery(page.site.spec, site), body);
}

function articleItem(article: Article, site: SiteInfo): string {
  return `<li><a href="${e(articleUrl(site, article.id))}">${e(displayTitle(article))}</a> <span class="meta">${e(isoTime(article.published).slice(0, 10))}</span></li>`;
}

/** A stored date that is not one shows as nothing rather than stopping the page. */
const isoTime = (date: Date) => (Number.isNaN(date.getTime()) ? '' : date.toISOString());

/** A tag's or a source's page: its latest articles. */
export function renderListPage(spec: FeedSpec, articles: Article[], site: SiteInfo): string {
  const body = `<p><a href="${e(siteUrl(site, ''))}">${e(site.title)}</a></p>
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

/** One article. Its content was sanitized when it was stored; its relative links are made absolute against the original. */
export function renderArticlePage(article: Article, carriers: Carrier[], site: SiteInfo): string {
  const title = displayTitle(article);
  const original = webUrl(article.link);
  const tags = article.tags
    .map((t) => (isPublishedTag(t) ? `<a href="${e(siteUrl(site, `tags/${t.slug}`))}">${e(t.label)}</a>` : e(t.label)))
    .join(', ');
  const sources = carriers
    .map((c) => {
      const link = webUrl(c.link);
      return `<li><a href="${e(siteUrl(site, `sources/${c.source}`))}">${e(c.title)}</a>${link ? ` · <a href="${e(link)}">original</a>` : ''}</li>`;
    })
    .join('\n');
  const published = isoTime(article.published);
  const body = `<p><a href="${e(siteUrl(site, ''))}">${e(site.title)}</a></p>
<article>
<h1>${e(title)}</h1>
<p class="meta"><time datetime="${published}">${e(published.replace('T', ' ').slice(0, 16))} UTC</time>${article.author ? ` · ${e(article.author)}` : ''}</p>
${safeText(absoluteLinks(article.content, original ?? articleUrl(site, article.id)))}
</article>
${tags ? `<p class="meta">Tags: ${tags}</p>` : ''}
<h2>Sources</h2>
<ul>
${sources}
</ul>
${original ? `<p><a href="${e(original)}">Read the original</a></p>` : ''}`;
  return layout(title, site, '', body);
}
