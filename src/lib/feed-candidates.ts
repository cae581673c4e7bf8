// Where a site's feed may be when its page names none (Miniflux's discovery order, after
// <link rel=alternate>): YouTube channel, handle and playlist pages; GitHub repository pages; then
// the paths blogs and site generators use. Pure functions of the URL (and the page, for a handle).

const YOUTUBE = /^(?:www\.|m\.)?youtube\.com$/i;

/** A YouTube page's feed URLs: a channel's (from its id, or its page), a playlist's, a legacy user's. */
export function youtubeFeeds(page: URL, html = ''): string[] {
  if (!YOUTUBE.test(page.hostname)) return [];
  const feed = (query: string) => {
    const url = new URL(`/feeds/videos.xml?${query}`, page);
    if (/^(?:m\.)?youtube\.com$/i.test(url.hostname)) url.hostname = 'www.youtube.com';
    return url.href;
  };
  const list = page.searchParams.get('list');
  if (list && /^[\w-]+$/.test(list)) return [feed(`playlist_id=${list}`)];
  const channel = /^\/channel\/(UC[\w-]{22})/.exec(page.pathname);
  if (channel) return [feed(`channel_id=${channel[1]}`)];
  const user = /^\/user\/([\w.-]+)/.exec(page.pathname);
  if (user) return [feed(`user=${user[1]}`)];
  // A handle (/@name) or a custom URL (/c/name): the channel id is in the page itself.
  const id =
    /<meta itemprop="(?:channelId|identifier)" content="(UC[\w-]{22})"|"(?:channelId|externalId)":"(UC[\w-]{22})"|\/channel\/(UC[\w-]{22})/.exec(
      html,
    );
  const found = id?.[1] ?? id?.[2] ?? id?.[3];
  return found ? [feed(`channel_id=${found}`)] : [];
}

/** A GitHub repository page's releases and tags feeds. */
export function githubFeeds(page: URL): string[] {
  if (!/^(?:www\.)?github\.com$/i.test(page.hostname)) return [];
  const repo = /^\/([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:\/|$)/.exec(page.pathname);
  if (!repo) return [];
  return ['releases.atom', 'tags.atom'].map((feed) => new URL(`/${repo[1]}/${repo[2]}/${feed}`, page).href);
}

/** The paths tried last, in this order, at the root of the site. */
const WELL_KNOWN_PATHS = [
  '/feed',
  '/feed/',
  '/rss',
  '/rss.xml',
  '/atom.xml',
  '/feed.xml',
  '/index.xml',
  '/feeds/posts/default',
];

export function wellKnownFeeds(page: URL): string[] {
  return WELL_KNOWN_PATHS.map((path) => new URL(path, page.origin).href);
}
