// The configuration schema and its defaults, in one place.
import cron from 'node-cron';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a slug: lowercase letters, digits, "-" and "_"');

const timezone = z.string().refine(isTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

const DURATION = 'expected a duration of more than 0 such as 20s, 5m or 24h';

/** A duration in seconds, more than none: a number, or "500ms", "20s", "5m", "24h", "7d". */
const anyDuration = z.union(
  [
    z.number().positive(),
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h|d)\s*$/)
      .transform((v) => {
        const [, n, unit] = /^\s*([\d.]+)\s*(ms|s|m|h|d)/.exec(v)!;
        return Number(n) * UNITS[unit!]!;
      })
      .refine((seconds) => seconds > 0, DURATION),
  ],
  { error: DURATION },
);

/** At most ten years: a date so far on is still a date. */
const duration = anyDuration.refine((seconds) => seconds <= 3650 * 86400, 'expected a duration of at most 3650d');

/**
 * A duration a timer waits for: at most 24 days. Node's timers hold 2^31 - 1 ms (24.8 days); a longer
 * one fires at once, and `fetch.timeout: 25d` failed every fetch (issue 25).
 */
const timerDuration = anyDuration.refine(
  (seconds) => seconds <= 24 * 86400,
  'expected a duration of at most 24d (the longest a timer can wait)',
);

const BYTE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  kib: 1024,
  mb: 1e6,
  mib: 1048576,
  gb: 1e9,
  gib: 1073741824,
};

const SIZE = 'expected a size of more than 0 such as 512KiB or 10MiB';

/** A size in bytes: a number, or "512KiB", "10MiB". */
const size = z.union(
  [
    z.number().int().positive(),
    z
      .string()
      .regex(/^\s*\d+(\.\d+)?\s*(b|kb|kib|mb|mib|gb|gib)\s*$/i)
      .transform((v) => {
        const [, n, unit] = /^\s*([\d.]+)\s*(\w+)/.exec(v)!;
        return Math.round(Number(n) * BYTE_UNITS[unit!.toLowerCase()]!);
      })
      .refine((bytes) => bytes > 0, SIZE),
  ],
  { error: SIZE },
);

const schedule = z.string().refine((v) => cron.validate(v), 'expected a cron expression such as "*/15 * * * *"');

const sourceBase = {
  name: slug,
  title: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).default([]),
  timezone: timezone.default('UTC'),
  schedule: schedule.optional(),
};

const seedsSource = z.strictObject({
  ...sourceBase,
  type: z.literal('seeds'),
  path: z.string().min(1),
  titleFrom: z.enum(['hashtags', 'first-sentence']).default('hashtags'),
});

/**
 * Entries of one feed document kept, the newest: 100,000 items of a 5.4 MB feed were all stored,
 * at a peak of 797 MB (issue 25). A feed that means to carry more says so.
 */
const DEFAULT_MAX_ITEMS = 1000;
const maxItems = z.number().int().positive().default(DEFAULT_MAX_ITEMS);

/** Keep and block rules in the search language (checked against it by rules/, which config cannot import). */
const ruleList = z
  .union([
    z
      .string()
      .min(1)
      .transform((r) => [r]),
    z.array(z.string().min(1)),
  ])
  .optional();
const rules = { keep: ruleList, block: ruleList };

/** How one feed source is fetched (issue 24): its own credentials, headers, agent, proxy and time limit. */
const fetchOptions = {
  auth: z
    .strictObject({
      username: z.string().min(1),
      passwordEnv: z.string().min(1).optional(),
      passwordFile: z.string().min(1).optional(),
    })
    .refine(
      (a) => (a.passwordEnv === undefined) !== (a.passwordFile === undefined),
      'expected exactly one of passwordEnv or passwordFile',
    )
    .optional(),
  headers: z
    .record(
      z.string().regex(/^[!#$%&'*+.^_`|~\w-]+$/, 'expected a header name'),
      z.string().regex(/^[^\r\n]*$/, 'expected one line'),
    )
    .optional(),
  userAgent: z
    .string()
    .min(1)
    .regex(/^[^\r\n]*$/, 'expected one line')
    .optional(),
  proxy: z.url({ protocol: /^http$/, error: 'expected an http:// proxy URL' }).optional(),
  ignoreCacheHeaders: z.boolean().default(false),
  timeout: timerDuration.optional(),
  fullText: z
    .union([
      z.boolean(),
      z.strictObject({
        selector: z.string().min(1).optional(),
        perTick: z.number().int().min(1).max(1000).default(20),
      }),
    ])
    .optional()
    .transform((v) => (v === true ? { perTick: 20 } : v || undefined)),
};

const feedSource = z.strictObject({
  ...sourceBase,
  type: z.literal('feed'),
  url: z.url({ protocol: /^https?$/, error: 'expected an http or https URL' }),
  maxItems,
  ...fetchOptions,
  ...rules,
});

const fileSource = z.strictObject({
  ...sourceBase,
  type: z.literal('file'),
  path: z.string().min(1),
  maxItems,
  ...rules,
});

const sourceSchema = z.discriminatedUnion('type', [seedsSource, feedSource, fileSource], {
  error: (issue) => (issue.code === 'invalid_union' ? 'expected type to be one of: seeds, feed, file' : undefined),
});

const fetchSchema = z.strictObject({
  timeout: timerDuration.default(20),
  connectTimeout: timerDuration.default(10),
  maxBodySize: size.default(10 * 1024 * 1024),
  maxRedirects: z.number().int().min(0).max(20).default(5),
  allowPrivateNetworks: z.boolean().default(false),
  concurrency: z.number().int().min(1).max(64).default(8),
  perHost: z.number().int().min(1).max(16).default(2),
  minInterval: duration.default(300),
  maxInterval: duration.default(86400),
  /** A source claimed by a worker that stops answering is free again after this. */
  claimTimeout: timerDuration.default(120),
});

/** The fetch settings when the configuration gives none. */
export const DEFAULT_FETCH = fetchSchema.parse({});

const siteSchema = z.strictObject({
  title: z.string().min(1).default('Tidings'),
  description: z.string().default('Articles gathered by Tidings'),
  language: z.string().min(2).default('en'),
  /** Where the site is read from. Without it, the address the daemon listens on (see siteBaseUrl). */
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  itemsPerFeed: z.number().int().min(1).max(1000).default(50),
  /** Stories on one page of the river (the front page, a tag's, a source's, a search's). */
  itemsPerPage: z.number().int().min(1).max(200).default(20),
  /** Tags with fewer articles are left out of /tags and the OPML (their pages and feeds stay); 1 lists every tag. */
  minTagArticles: z.number().int().min(1).default(2),
  /** The zone times are shown in on pages and by the CLI, named beside them. */
  timezone: timezone.default('UTC'),
});

/** The base URL of a site whose configuration names none and that no daemon serves (tidings build). */
const DEFAULT_BASE_URL = 'http://localhost:8080';

/** The address feeds and OPML link to: the configured one, else where the daemon listens, else the default. */
export function siteBaseUrl(site: { baseUrl?: string }, listening?: string): string {
  return site.baseUrl ?? listening?.replace(/\/+$/, '') ?? DEFAULT_BASE_URL;
}

const serverSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Bytes of rendered feeds and pages kept in memory, least recently used out first. */
  cacheSize: size.default(16 * 1024 * 1024),
});

/** Events: independent reports of one event, grouped (dedupe/events.ts). */
const eventsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Reports of one event are published within this many days of each other. */
  windowDays: z.number().positive().default(2),
  /** An article joins an event whose centroid is at least this similar (TF-IDF cosine) and shares a name. */
  threshold: z.number().min(0).max(1).default(0.25),
});

const dedupeSchema = z.strictObject({
  /** Independent reports of one event. */
  events: eventsSchema.default(eventsSchema.parse({})),
  /** Merge the same story from several sources (rules 2–4). */
  crossSource: z.boolean().default(true),
  /** Near duplicates must be published within this many days of each other. */
  windowDays: z.number().positive().default(3),
  /** Near duplicates share at least this many word 3-shingles (quotation counted at quoteWeight). */
  minShared: z.number().positive().default(30),
  /** …at least this share of the shorter text's shingles (its containment in the longer one)… */
  containment: z.number().min(0).max(1).default(0.5),
  /** …spread over at least this share of its paragraphs (each carrying a third of its text or more). */
  spread: z.number().min(0).max(1).default(0.67),
  /** What a shingle of quotation (text between quotation marks) counts for. */
  quoteWeight: z.number().min(0).max(1).default(0.25),
  /** …or at least lowContainment, with each text's lead at least `lead` shared or broadSpread of the paragraphs. */
  lowContainment: z.number().min(0).max(1).default(0.4),
  lead: z.number().min(0).max(1).default(0.5),
  broadSpread: z.number().min(0).max(1).default(0.75),
  /** Entries with little text (the shorter under teaserText shingles) are one story with headlines this alike, the same day. */
  teaserTitle: z.number().min(0).max(1).default(0.8),
  teaserText: z.number().min(0).default(120),
  // The keys of the rule before 0.2 (shingle overlap and title similarity), still read so that an
  // older configuration keeps working; they change nothing now.
  minShingles: z.number().optional(),
  overlap: z.number().optional(),
  titleSimilarity: z.number().optional(),
  strongOverlap: z.number().optional(),
});

const retentionSchema = z.strictObject({
  /** Delete articles published more than this many days ago; 0 keeps everything. */
  maxAgeDays: z.number().int().min(0).default(0),
  /** Keep at most this many articles per source (the newest); 0 keeps everything. */
  maxPerSource: z.number().int().min(0).default(0),
  /** A source gone from the configuration is unpublished at once; its articles are deleted this many days later. */
  removedSourceDays: z.number().min(0).default(7),
});

export const configSchema = z
  .strictObject({
    site: siteSchema.default(siteSchema.parse({})),
    schedule: schedule.default('*/15 * * * *'),
    refreshOnStart: z.boolean().default(true),
    server: serverSchema.default(serverSchema.parse({})),
    websub: z.strictObject({ hubs: z.array(z.url({ protocol: /^https?$/ })).default([]) }).optional(),
    fetch: fetchSchema.default(DEFAULT_FETCH),
    sources: z.array(sourceSchema).default([]),
    /** Several tag slugs as one: {iranian: iran}. */
    tagAliases: z.record(z.string().min(1), z.string().min(1)).default({}),
    /** More query parameters to strip from article links (utm_*, fbclid… always go). */
    trackingParams: z.array(z.string().min(1)).default([]),
    /** Where the store is: a SQLite file, or a postgres:// URL (--db and TIDINGS_DB win over it). */
    storage: z.strictObject({ url: z.string().min(1).optional() }).default({}),
    dedupe: dedupeSchema.default(dedupeSchema.parse({})),
    retention: retentionSchema.default(retentionSchema.parse({})),
    /** Keep and block rules for every source. */
    rules: z.strictObject(rules).default({}),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.name))
        ctx.addIssue({
          code: 'custom',
          path: ['sources', i, 'name'],
          message: `duplicate source name "${source.name}"`,
        });
      seen.add(source.name);
    });
  });

type Parsed = z.output<typeof configSchema>;
export type FeedSource = z.output<typeof feedSource>;
export type FetchSettings = z.output<typeof fetchSchema>;
export type DedupeSettings = z.output<typeof dedupeSchema>;
export type EventSettings = z.output<typeof eventsSchema>;
export type Source = Parsed['sources'][number];

export interface Config extends Parsed {
  /** The file it was loaded from, absolute; source paths are relative to its folder. */
  file: string;
}
