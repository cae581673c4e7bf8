// URL helpers: resolution against bases.

/** `ref` resolved against `base`; `ref` itself when there is nothing to resolve against; undefined when empty. */
export function resolveUrl(ref: string | undefined, base?: string): string | undefined {
  const trimmed = ref?.trim();
  if (!trimmed) return base && ref !== undefined ? base : undefined;
  // An absolute URL stays as written; normalizing it is the canonical-URL step's job.
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed)) return trimmed;
  if (!base) return trimmed; // a relative reference with nothing to resolve it against (and no exception to pay for)
  try {
    return new URL(trimmed, base).href;
  } catch {
    return trimmed;
  }
}

/** A query parameter's name; as written when it is not valid percent-encoded UTF-8 ("%E0"), which decodeURIComponent throws on. */
function decodeKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/**
 * Redirectors that carry their target in the query, by host and path: Google's (Google Alerts
 * links every item through google.com/url?…&url=), Facebook's and Tumblr's outbound links.
 */
const REDIRECTORS: { host: RegExp; path: RegExp; params: string[] }[] = [
  { host: /^(?:www\.)?google\.[a-z.]+$/, path: /^\/url$/, params: ['url', 'q'] },
  { host: /^l\.facebook\.com$/, path: /^\/l\.php$/, params: ['u'] },
  { host: /^t\.umblr\.com$/, path: /^\/redirect$/, params: ['z'] },
];

/** The target of a known redirect wrapper when it is an http(s) URL; the URL itself otherwise. */
function unwrapRedirect(url: URL): URL {
  const wrapper = REDIRECTORS.find((r) => r.host.test(url.hostname) && r.path.test(url.pathname));
  for (const name of wrapper?.params ?? []) {
    const target = url.searchParams.get(name);
    if (target && /^https?:\/\//i.test(target) && URL.canParse(target)) return new URL(target);
  }
  return url;
}

const TRACKING = [/^utm_/i, /^(fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|ref_src|_hsenc|_hsmi|yclid)$/i];

/**
 * The canonical form of an article URL, which dedupe compares: absolute, scheme and host
 * lowercased, default port and fragment removed, tracking parameters removed, the rest of the
 * query kept in its order. Undefined for what is not an http(s) URL.
 */
export function canonicalUrl(
  ref: string | undefined,
  base?: string,
  extraTracking: readonly string[] = [],
): string | undefined {
  if (!ref?.trim()) return undefined;
  let url: URL;
  try {
    url = unwrapRedirect(new URL(ref.trim(), base));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  url.hash = '';
  if (url.search) {
    const extra = new Set(extraTracking.map((p) => p.toLowerCase()));
    const kept = url.search
      .slice(1)
      .split('&')
      .filter((pair) => {
        const key = decodeKey(pair.split('=')[0]!.replace(/\+/g, ' '));
        return pair && !TRACKING.some((re) => re.test(key)) && !extra.has(key.toLowerCase());
      });
    url.search = kept.length ? `?${kept.join('&')}` : '';
  }
  return url.href;
}

/**
 * A text with every URL in it made safe to publish: no user or password, and the query's values
 * hidden (`?token=…`), since a private feed's URL often carries its key there. What a source's
 * public page says of its errors goes through this.
 */
export function redactUrls(text: string): string {
  return text.replace(
    /\b(https?:\/\/)([^\s/?#@]*@)?([^\s?#;]*)(\?[^\s#;]*)?(#[^\s;]*)?/gi,
    (_m, scheme: string, _user, rest: string, query: string | undefined) => {
      const hidden = query
        ? `?${query
            .slice(1)
            .split('&')
            .map((p) => `${p.split('=')[0]}=…`)
            .join('&')}`
        : '';
      return `${scheme}${rest}${hidden}`;
    },
  );
}
