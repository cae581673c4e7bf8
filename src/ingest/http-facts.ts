// What a response's headers say about when to ask again, read once here (as Miniflux's
// ResponseHandler answers CacheControlMaxAge, Expires and ParseRetryDelay): refresh only asks.
import { parseHttpDate } from '../lib/http-date.js';

/**
 * Until when a response may be reused: Cache-Control s-maxage or max-age (RFC 9111 §5.2.2), else
 * Expires; an Expires that is no HTTP date ("0") means already expired (§5.3): no date.
 */
export function cacheUntil(cacheControl: string | undefined, expires: string | undefined, now: Date): Date | undefined {
  const maxAge = /(?:^|,)\s*(?:s-maxage|max-age)\s*=\s*"?(\d+)/i.exec(cacheControl ?? '');
  if (maxAge) return new Date(now.getTime() + Number(maxAge[1]) * 1000);
  const at = expires === undefined ? undefined : parseHttpDate(expires.trim());
  return at === undefined ? undefined : new Date(at);
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3), as a date, clamped to 24 hours. */
export function retryAfter(value: string | undefined, now: Date): Date | undefined {
  if (!value) return undefined;
  const at = /^\s*\d+\s*$/.test(value) ? now.getTime() + Number(value) * 1000 : parseHttpDate(value.trim());
  if (at === undefined) return undefined;
  const seconds = (at - now.getTime()) / 1000;
  return new Date(now.getTime() + Math.min(Math.max(seconds, 0), 86_400) * 1000);
}
