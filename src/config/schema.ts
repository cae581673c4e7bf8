// The configuration schema and its defaults, in one place.
import { z } from 'zod';

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a slug: lowercase letters, digits, "-" and "_"');

const timezone = z.string().refine(isTimeZone, 'expected an IANA time zone such as UTC or Europe/Berlin');

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const sourceBase = {
  name: slug,
  title: z.string().min(1).optional(),
  tags: z.array(z.string().min(1)).default([]),
  timezone: timezone.default('UTC'),
};

const seedsSource = z.strictObject({
  ...sourceBase,
  type: z.literal('seeds'),
  path: z.string().min(1),
  titleFrom: z.enum(['hashtags', 'first-sentence']).default('hashtags'),
});

const sourceSchema = z.discriminatedUnion('type', [seedsSource], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'expected type to be one of: seeds' : undefined,
});

const siteSchema = z.strictObject({
  title: z.string().min(1).default('Tidings'),
  description: z.string().default('Articles gathered by Tidings'),
  language: z.string().min(2).default('en'),
  baseUrl: z
    .url({ protocol: /^https?$/, error: 'expected an http(s) URL' })
    .default('http://localhost:8080')
    .transform((url) => url.replace(/\/+$/, '')),
  itemsPerFeed: z.number().int().min(1).max(1000).default(50),
});

export const configSchema = z
  .strictObject({
    site: siteSchema.default(siteSchema.parse({})),
    sources: z.array(sourceSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.sources.forEach((source, i) => {
      if (seen.has(source.name))
        ctx.addIssue({ code: 'custom', path: ['sources', i, 'name'], message: `duplicate source name "${source.name}"` });
      seen.add(source.name);
    });
  });

export type ConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;
export type SeedsSource = z.output<typeof seedsSource>;
export type Source = Parsed['sources'][number];
export type Site = Parsed['site'];

export interface Config extends Parsed {
  /** The file it was loaded from, absolute; source paths are relative to its folder. */
  file: string;
}
