// The site's pages of stories and lists: the river (front page, tag, source and search pages, all
// paginated), the list of tags and the list of sources with their state.
import { STATUS_CODES } from 'node:http';
import { formatWallClock } from '../lib/dates.js';
import type { FeedSpec } from './feeds.js';
import {
  autodiscovery,
  e,
  feedLinks,
  layout,
  pager,
  pagerHead,
  river,
  zoneOf,
  type Here,
  type Pager,
  type SourceRef,
  type Story,
} from './html.js';
import { feedPath, listPath, pagePath, routePath } from './routes.js';
import { relativeHref, siteUrl } from './urls.js';

export interface RiverPage {
  heading: string;
  intro?: string;
  /** The feeds of this list (with `feedQuery` for a search's). */
  feed: FeedSpec;
  feedQuery?: string;
  stories: Story[];
  pages: Pager;
  /** What an empty page says. */
  empty: string;
  /** A source's state, on its page. */
  state?: SourceState;
  /** Said above the stories: a search query that could not be read. */
  notice?: string;
  /** Under a heading per day (the river); search results, best first, carry their dates instead. */
  grouped: boolean;
}

/** A source's fetch state, in words. */
export interface SourceState {
  status: string;
  lastCheck?: Date;
  lastSuccess?: Date;
  httpStatus?: number;
  lastError?: string;
  consecutiveErrors: number;
  /** When it is read next, and why then. */
  nextFetch?: Date;
  nextFetchWhy?: string;
  articles: number;
}

const when = (date: Date | undefined, zone: string) =>
  date && !Number.isNaN(date.getTime())
    ? `<time datetime="${date.toISOString()}">${e(formatWallClock(date, zone))}</time>`
    : 'never';

function httpStatusInWords(status: number): string {
  return STATUS_CODES[status] ? `${status} ${STATUS_CODES[status]}` : String(status);
}

function stateList(state: SourceState, zone: string): string {
  const rows: [string, string][] = [
    ['Status', e(state.status)],
    ['Last check', when(state.lastCheck, zone)],
    ['Last success', when(state.lastSuccess, zone)],
  ];
  if (state.httpStatus) rows.push(['HTTP status', e(httpStatusInWords(state.httpStatus))]);
  if (state.lastError)
    rows.push([
      'Last error',
      `${e(state.lastError)}${state.consecutiveErrors > 1 ? ` (${state.consecutiveErrors} times in a row)` : ''}`,
    ]);
  rows.push([
    'Next fetch',
    state.nextFetch
      ? `${when(state.nextFetch, zone)}${state.nextFetchWhy ? ` (${e(state.nextFetchWhy)})` : ''}`
      : e(state.nextFetchWhy ?? 'at the next tick'),
  ]);
  rows.push(['Articles', String(state.articles)]);
  return `<dl class="state">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

export function renderRiverPage(here: Here, page: RiverPage, title: string): string {
  const main = [
    `<h1>${e(page.heading)}</h1>`,
    page.intro ? `<p class="meta">${e(page.intro)}</p>` : '',
    page.state ? stateList(page.state, zoneOf(here)) : '',
    page.notice ? `<p class="notice">${e(page.notice)}</p>` : '',
    page.stories.length ? river(here, page.stories, page.grouped) : page.notice ? '' : `<p>${e(page.empty)}</p>`,
    pager(here, page.pages),
    // A query that cannot be read has no feed to offer.
    page.notice ? '' : feedLinks(here, page.feed, page.feedQuery),
  ]
    .filter(Boolean)
    .join('\n');
  return layout(
    here,
    title,
    (page.notice ? '' : autodiscovery(here, page.feed, page.feedQuery)) + pagerHead(here, page.pages),
    main,
  );
}

export interface TagListing {
  slug: string;
  label: string;
  count: number;
}

export function renderTagsPage(here: Here, tags: TagListing[]): string {
  const items = tags.map(
    (t) =>
      `<li><a href="${e(relativeHref(here.path, pagePath('tags', t.slug)))}">${e(t.label)}</a> <span class="meta">${t.count} · <a href="${e(relativeHref(here.path, feedPath(listPath('tags', t.slug), 'rss')))}">RSS</a></span></li>`,
  );
  const main = `<h1>Tags</h1>\n${items.length ? `<ul class="list">\n${items.join('\n')}\n</ul>` : '<p>No tags yet.</p>'}`;
  return layout(here, `Tags · ${here.site.title}`, '', main);
}

export interface SourceListing extends SourceRef {
  state: SourceState;
}

export function renderSourcesPage(here: Here, sources: SourceListing[]): string {
  const items = sources.map((s) => {
    const error = s.state.lastError && s.state.consecutiveErrors ? ` · ${e(s.state.lastError)}` : '';
    return `<li><a href="${e(relativeHref(here.path, pagePath('sources', s.name)))}">${e(s.title)}</a> <span class="meta">${s.state.articles} · ${e(s.state.status)}${error} · <a href="${e(relativeHref(here.path, feedPath(listPath('sources', s.name), 'rss')))}">RSS</a></span></li>`;
  });
  const main = `<h1>Sources</h1>\n${items.length ? `<ul class="list">\n${items.join('\n')}\n</ul>` : '<p>No sources configured.</p>'}`;
  return layout(here, `Sources · ${here.site.title}`, '', main);
}

/**
 * What an address the site does not have shows: the site around a short note. It is served at
 * any depth (/tags/x/y), so its relative links count from the site's root, named by <base>.
 */
export function renderNotFoundPage(here: Here): string {
  const main = `<h1>Not found</h1>\n<p>There is no such page here. The <a href="${e(relativeHref(here.path, pagePath('all', '')))}">latest stories</a>, the <a href="${e(relativeHref(here.path, routePath({ kind: 'tags' })))}">tags</a> and the <a href="${e(relativeHref(here.path, routePath({ kind: 'sources' })))}">sources</a> are.</p>`;
  return layout(here, `Not found · ${here.site.title}`, `<base href="${e(siteUrl(here.site, ''))}">\n`, main);
}
