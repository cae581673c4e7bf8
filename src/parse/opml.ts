// OPML 1.0 and 2.0 subscription lists: nested outlines, folders and categories as tags.
import { Parser } from 'xml2js';
import { InputError } from '../errors.js';

interface Subscription {
  title: string;
  xmlUrl: string;
  htmlUrl?: string;
  tags: string[];
}

interface Outline {
  $?: Record<string, string>;
  outline?: Outline[];
}

const attr = (o: Outline, name: string) => {
  const attrs = o.$ ?? {};
  const key = Object.keys(attrs).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? attrs[key]?.trim() || undefined : undefined;
};

/** category="/Tech/News,Daily" → ["Tech", "News", "Daily"]. */
function categories(value: string | undefined): string[] {
  return (value ?? '')
    .split(/[,/]/)
    .map((c) => c.trim())
    .filter(Boolean);
}

export interface Opml {
  subscriptions: Subscription[];
  /** Outlines that are neither a feed nor a folder, each in words ("outline "Blog": no xmlUrl"). */
  ignored: string[];
}

/** Folders within folders, at most: 10,000 overflowed the stack (issue 25); a reader's are a few deep. */
const MAX_DEPTH = 100;

export async function parseOpml(text: string, file: string): Promise<Opml> {
  let doc: { opml?: { body?: { outline?: Outline[] }[] } };
  try {
    doc = await new Parser({ strict: true, explicitArray: true }).parseStringPromise(text);
  } catch (err) {
    const message = (err as Error).message
      .replace(/\n/g, ' ')
      .replace(/Line: (\d+) Column: (\d+).*/, 'at line $1, column $2');
    throw new InputError(`${file}: not valid OPML: ${message}`);
  }
  const body = doc?.opml?.body?.[0];
  if (!body) throw new InputError(`${file}: not OPML: no <opml><body> element`);
  const out: Subscription[] = [];
  const ignored: string[] = [];
  const walk = (outlines: Outline[] | undefined, folders: string[], depth = 1) => {
    if (outlines?.length && depth > MAX_DEPTH)
      throw new InputError(`${file}: outlines nested more than ${MAX_DEPTH} deep`);
    for (const o of outlines ?? []) {
      const title = attr(o, 'title') ?? attr(o, 'text') ?? '';
      const xmlUrl = attr(o, 'xmlUrl');
      const tags = [...folders, ...categories(attr(o, 'category'))];
      if (xmlUrl) out.push({ title: title || xmlUrl, xmlUrl, htmlUrl: attr(o, 'htmlUrl'), tags: [...new Set(tags)] });
      else if (!o.outline?.length) {
        const named = title || attr(o, 'url') || attr(o, 'htmlUrl');
        ignored.push(`${named ? `outline ${JSON.stringify(named)}` : 'an outline'}: no xmlUrl, so no feed to add`);
      }
      // An outline without a feed URL is a folder: its title tags everything inside it.
      walk(o.outline, xmlUrl || !title ? folders : [...folders, title], depth + 1);
    }
  };
  walk(body.outline, []);
  return { subscriptions: out, ignored };
}
