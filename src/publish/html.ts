// HTML pages: the river (the front page, a tag's, a source's, a search's), the lists of tags and
// sources, and article pages. Everything printed is escaped; every link is relative (urls.ts), so
// the site works wherever it is put. No JavaScript: the pages are documents.
import { formatWallClock, wallClock } from '../lib/dates.js';
import { escapeHtml, truncateAtWord } from '../lib/text.js';
import { safeText } from '../lib/xml-chars.js';
import type { Article, Tag } from '../model.js';
import type { FeedSpec, SiteInfo } from './feeds.js';
import { displayTitle, feedEnclosures, isImage, isPlayable, type FeedEnclosure } from './item.js';
import { articlePath, FEED_FORMATS, feedPath, pagePath, routePath, SEARCH_ACTION } from './routes.js';
import { THEME_COLOURS } from './style.js';
import { absoluteLinks, articleUrl, isPublishedTag, relativeHref, webUrl } from './urls.js';

export const e = (text: string) => escapeHtml(safeText(text));

const FORMAT_NAMES = { rss: 'RSS', atom: 'Atom', json: 'JSON Feed' } as const;
const FORMAT_TYPES = {
  rss: 'application/rss+xml',
  atom: 'application/atom+xml',
  json: 'application/feed+json',
} as const;

/** Where a page is and what it links to: its own site path, and a query for the feeds of a search. */
export interface Here {
  /** This page's site path ("index.html", "tags/x/page/2.html", "search.html"): links are relative to it. */
  path: string;
  site: SiteInfo;
  /** The search on this page, for the search box. */
  query?: string;
}

const href = (here: Here, to: string, query = '') => e(relativeHref(here.path, to, query));

/** A source as pages name it: linked to its page when it has one. */
export interface SourceRef {
  name: string;
  title: string;
  /** It has a page (it is configured). */
  linked: boolean;
}

/** Another article of the same story. */
export interface Carrier extends SourceRef {
  /** The article's id, for its page here. */
  id: string;
  link?: string;
}

/** One entry of the river: a story, told by its article, with the others that carry it. */
export interface Story {
  article: Article;
  source: SourceRef;
  also: Carrier[];
  /** On the river, the lead story of an event: its event's id and the other sources that reported it, each once. */
  event?: { id: string; reports: number; reportedBy: Carrier[] };
}

/** "Also reported by A, B, C · all 4 reports": under an event's lead story on the river. */
function reportedBy(here: Here, event: NonNullable<Story['event']>): string {
  const sources = event.reportedBy
    .map((c) => `<a href="${href(here, articlePath(c.id))}">${e(c.title)}</a>`)
    .join(', ');
  return `<p class="meta reported">Also reported by ${sources} · <a href="${href(here, pagePath('events', event.id))}">all ${event.reports} reports</a></p>
`;
}

export interface Pager {
  /** Site paths (with a query for searches) of the pages before and after. */
  prev?: { path: string; query?: string };
  next?: { path: string; query?: string };
}

export function layout(here: Here, title: string, head: string, main: string): string {
  const { site } = here;
  const search = site.search
    ? `<form action="${href(here, SEARCH_ACTION)}" method="get" role="search"><input type="search" name="q" value="${e(here.query ?? '')}" placeholder="Search" aria-label="Search"><button>Search</button></form>`
    : '';
  return `<!doctype html>
<html lang="${e(site.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<meta name="theme-color" content="${THEME_COLOURS.light}" media="(prefers-color-scheme: light)">
<meta name="theme-color" content="${THEME_COLOURS.dark}" media="(prefers-color-scheme: dark)">
<link rel="icon" href="${href(here, routePath({ kind: 'asset', name: 'favicon.svg' }))}" type="image/svg+xml">
<link rel="stylesheet" href="${href(here, routePath({ kind: 'asset', name: 'style.css' }))}">
${head}</head>
<body>
<header><a class="site" href="${href(here, pagePath('all', ''))}">${e(site.title)}</a><nav><a href="${href(here, routePath({ kind: 'tags' }))}">Tags</a><a href="${href(here, routePath({ kind: 'sources' }))}">Sources</a><a href="${href(here, feedPath('all', 'rss'))}">Feed</a></nav>${search}</header>
<main>
${main}
</main>
<footer><p class="meta">Gathered by Tidings. <a href="${href(here, routePath({ kind: 'opml' }))}">Every feed (OPML)</a></p></footer>
</body>
</html>
`;
}

export function autodiscovery(here: Here, spec: FeedSpec, query = ''): string {
  return FEED_FORMATS.map(
    (f) =>
      `<link rel="alternate" type="${FORMAT_TYPES[f]}" title="${e(spec.title)} (${FORMAT_NAMES[f]})" href="${href(here, feedPath(spec.path, f), query)}">\n`,
  ).join('');
}

export function feedLinks(here: Here, spec: FeedSpec, query = ''): string {
  return `<p class="feeds">${FEED_FORMATS.map((f) => `<a href="${href(here, feedPath(spec.path, f), query)}">${FORMAT_NAMES[f]}</a>`).join('')}</p>`;
}

/** A stored date that is not one shows as nothing rather than stopping the page. */
const isoTime = (date: Date) => (Number.isNaN(date.getTime()) ? '' : date.toISOString());

/** The zone a page shows times in, named beside them. */
export const zoneOf = (here: Here) => here.site.timezone ?? 'UTC';

function dayFormat(language: string, timeZone: string): Intl.DateTimeFormat {
  const options = { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' } as const;
  try {
    return new Intl.DateTimeFormat(language, options);
  } catch {
    return new Intl.DateTimeFormat('en', options);
  }
}

function sourceLink(here: Here, source: SourceRef): string {
  return source.linked
    ? `<a href="${href(here, pagePath('sources', source.name))}">${e(source.title)}</a>`
    : e(source.title);
}

/** A tag no URL can carry (isPublishedTag) is named without a link. */
function tagLinks(here: Here, tags: Tag[]): string {
  const shown = tags.filter((t) => safeText(t.label).trim());
  const chip = (t: Tag) =>
    isPublishedTag(t)
      ? `<a href="${href(here, pagePath('tags', t.slug))}">${e(t.label)}</a>`
      : `<span>${e(t.label)}</span>`;
  return shown.length ? `<p class="chips">${shown.map(chip).join('')}</p>` : '';
}

// A summary is a teaser: a long first paragraph would make the front page heavy.
const SUMMARY_MAX = 280;

function storyEntry(here: Here, story: Story, withDate: boolean): string {
  const { article } = story;
  const time = isoTime(article.published);
  const clock = wallClock(article.published, zoneOf(here));
  const shown = clock.day ? `${withDate ? `${clock.day} ` : ''}${clock.time} ${clock.zone}` : '';
  const also = story.also.length
    ? ` · also in ${story.also.map((c) => `<a href="${href(here, articlePath(c.id))}">${e(c.title)}</a>`).join(', ')}`
    : '';
  const summary = truncateAtWord(safeText(article.summary).trim(), SUMMARY_MAX);
  const picture = feedEnclosures(article).find(isImage);
  const thumb = picture ? `<img class="thumb" src="${e(picture.url)}" alt="" loading="lazy">\n` : '';
  return `<article class="story">${thumb}<h3><a href="${href(here, articlePath(article.id))}">${e(displayTitle(article))}</a></h3>
<p class="meta">${sourceLink(here, story.source)} · <time datetime="${time}">${shown}</time>${also}</p>
${story.event ? reportedBy(here, story.event) : ''}${summary ? `<p>${e(summary)}</p>\n` : ''}${tagLinks(here, article.tags)}</article>`;
}

/** Stories newest first, under a heading for each day (in site.timezone); or, not grouped, each with its date. */
export function river(here: Here, stories: Story[], grouped = true): string {
  if (!grouped) return stories.map((s) => storyEntry(here, s, true)).join('\n');
  const days = dayFormat(here.site.language, zoneOf(here));
  let day = '';
  const parts: string[] = [];
  for (const story of stories) {
    const date = story.article.published;
    const key = wallClock(date, zoneOf(here)).day;
    if (key !== day) {
      day = key;
      parts.push(`<h2 class="day">${key ? `<time datetime="${key}">${e(days.format(date))}</time>` : 'Undated'}</h2>`);
    }
    parts.push(storyEntry(here, story, false));
  }
  return parts.join('\n');
}

export function pager(here: Here, pages: Pager): string {
  if (!pages.prev && !pages.next) return '';
  const link = (rel: 'prev' | 'next', label: string) => {
    const to = pages[rel];
    return to ? `<a rel="${rel}" href="${href(here, to.path, to.query)}">${label}</a>` : '';
  };
  return `<nav class="pager" aria-label="Pages">${link('prev', '← Newer')}${link('next', 'Older →')}</nav>`;
}

/** rel="prev"/"next" in the head too, for the agents that read them there. */
export function pagerHead(here: Here, pages: Pager): string {
  return (['prev', 'next'] as const)
    .map((rel) => (pages[rel] ? `<link rel="${rel}" href="${href(here, pages[rel].path, pages[rel].query)}">\n` : ''))
    .join('');
}

const MEDIA_NAMES: Record<string, string> = {
  'audio/mpeg': 'MP3',
  'audio/mp4': 'M4A',
  'audio/ogg': 'Ogg',
  'video/mp4': 'MP4',
  'video/webm': 'WebM',
};

function download(enclosure: FeedEnclosure): string {
  const what = MEDIA_NAMES[enclosure.type.split(';')[0]!.toLowerCase()] ?? enclosure.type;
  const size = enclosure.length ? `, ${(enclosure.length / 1_048_576).toFixed(1)} MB` : '';
  return `<p class="meta"><a href="${e(enclosure.url)}" download>Download (${e(what)}${size})</a></p>`;
}

/**
 * An episode's player and download link (audio and video enclosures), and the article's picture
 * (a media:thumbnail or image enclosure) when its content does not show it already.
 */
function media(article: Article): string {
  const enclosures = feedEnclosures(article);
  const parts = enclosures.filter(isPlayable).map((m) => {
    const tag = m.type.startsWith('video/') ? 'video' : 'audio';
    return `<${tag} controls preload="none" src="${e(m.url)}"></${tag}>\n${download(m)}`;
  });
  const picture = enclosures.find(isImage);
  if (picture && !article.content.includes(picture.url))
    parts.push(`<img class="picture" src="${e(picture.url)}" alt="">`);
  return parts.length ? `\n${parts.join('\n')}` : '';
}

/** One article: a reading view of its sanitized content, the original once, and the story's other carriers. */
export function renderArticlePage(here: Here, story: Story): string {
  const { article } = story;
  const title = displayTitle(article);
  const original = webUrl(article.link);
  const published = isoTime(article.published);
  const others = story.also.length
    ? `<h2>Also in</h2>\n<ul class="list">\n${story.also.map((c) => `<li><a href="${href(here, articlePath(c.id))}">${e(c.title)}</a></li>`).join('\n')}\n</ul>`
    : '';
  const main = `<article>
<h1>${e(title)}</h1>
<p class="meta">${sourceLink(here, story.source)} · <time datetime="${published}">${e(formatWallClock(article.published, zoneOf(here)))}</time>${article.author ? ` · ${e(article.author)}` : ''}</p>${media(article)}
${safeText(absoluteLinks(article.content, original ?? articleUrl(here.site, article.id)))}
</article>
${original ? `<p><a class="more" href="${e(original)}">Read the original at ${e(new URL(original).host)}</a></p>\n` : ''}${tagLinks(here, article.tags)}
${others}`;
  return layout(here, title, '', main);
}
