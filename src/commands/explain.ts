// tidings explain ID: which rule merged an article into its story, with the figures that made it;
// for an article that merged with nothing, its three nearest candidates and what kept each apart.
import type { DedupeSettings } from '../config/schema.js';
import { describeFigures, describeStop, measure, pathOf, PATHS, stopOf, type Figures } from '../dedupe/near-rule.js';
import { UsageError } from '../errors.js';
import type { StoryCandidate } from '../model.js';
import type { Store } from '../store/store.js';
import { explainEvent } from './events.js';
import type { Session } from '../session/session.js';

const RULES = {
  url: 'rule 2, the same canonical URL',
  fingerprint: 'rule 3, the same content fingerprint',
  near: 'rule 4, a near duplicate',
};
const DAY = 86_400_000;
const NEAREST = 3;

/** The near-duplicate rule in words, with the settings in force. */
export const describeRule = (s: DedupeSettings) =>
  `rule 4: at least ${s.minShared} shingles shared (quotation counts ${s.quoteWeight}), containment of the shorter text at least ${s.containment}, ` +
  `shared text in at least ${Math.round(s.spread * 100)}% of its paragraphs (or containment ${s.lowContainment} with leads ${s.lead} shared ` +
  `or ${Math.round(s.broadSpread * 100)}% of the paragraphs), within ${s.windowDays} days; or, under ${s.teaserText} shingles, ` +
  `headlines ${s.teaserTitle} alike within a day`;

/** The rule's figures for two stored articles (undefined when either has no fingerprint). */
export async function figuresOf(
  store: Store,
  a: string,
  b: string,
  settings: DedupeSettings,
): Promise<Figures | undefined> {
  const [x, y] = await store.comparables([a, b]);
  return x && y ? measure(x, y, settings.quoteWeight) : undefined;
}

async function nearest(store: Store, id: string, settings: DedupeSettings): Promise<string[]> {
  const [self] = await store.comparables([id]);
  if (!self?.shingles.length) return ['  (no text to compare)'];
  const candidates: { c: StoryCandidate; f: Figures }[] = (await store.comparablesNear(id, settings.windowDays * DAY))
    .map((c) => ({ c, f: measure(self, c, settings.quoteWeight) }))
    .filter(({ f }) => f.shared > 0)
    .sort((x, y) => y.f.containment - x.f.containment || y.f.shared - x.f.shared)
    .slice(0, NEAREST);
  if (!candidates.length)
    return [`  no other source's article within ${settings.windowDays} days shares any text with it`];
  return candidates.map(({ c, f }) => {
    const stop = stopOf(f, settings);
    return `  ${c.id}  "${c.title}": ${describeFigures(f)}; ${stop ? `kept apart: ${describeStop(stop, f, settings)}` : 'the rule accepts it (not proposed by the index, or in another story already)'}`;
  });
}

export async function explainCommand(session: Session, { id }: { id: string }): Promise<number> {
  const { dedupe } = session.config();
  const store = await session.store();
  const article = await store.article(id);
  const link = await store.storyLink(id);
  if (!article || !link) throw new UsageError(`no article with id ${id} (see tidings articles)`);
  const members = (await store.storyCarriers([id])).get(id)!;
  const links = new Map(await Promise.all(members.map(async (m) => [m.id, await store.storyLink(m.id)] as const)));
  session.print(
    `${article.id}: "${article.title}" from ${article.source}, published ${article.published.toISOString()}`,
  );
  if (!link.rule) {
    const joined = members.filter((m) => links.get(m.id)?.matchedWith === article.id).map((m) => m.id);
    if (joined.length) session.print(`started the story; ${joined.join(', ')} joined it`);
    else {
      session.print(`not merged with anything; ${describeRule(dedupe)}. The nearest candidates:`);
      for (const line of await nearest(store, id, dedupe)) session.print(line);
    }
  } else if (link.rule === 'near') {
    const f = link.matchedWith ? await figuresOf(store, id, link.matchedWith, dedupe) : undefined;
    const path = f && pathOf(f, dedupe);
    session.print(
      `merged by ${RULES.near}${path ? ` (${PATHS[path]})` : ''} with ${link.matchedWith}: ${f ? describeFigures(f) : `score ${link.score?.toFixed(2)}`}`,
    );
    session.print(describeRule(dedupe));
  } else {
    session.print(`merged by ${RULES[link.rule]} with ${link.matchedWith} (distance 0)`);
  }
  session.print(
    `story ${link.story}: ${members.length} article${members.length === 1 ? '' : 's'}; ${link.canonical ? 'this is the canonical one' : `canonical: ${members.find((m) => links.get(m.id)?.canonical)?.id ?? '?'}`}`,
  );
  for (const m of members) session.print(`  ${m.id}  ${m.source}  ${m.published.toISOString()}  ${m.title}`);
  for (const m of await store.storyMerges(link.story))
    session.print(
      `story ${m.merged} merged into it when ${m.article} matched ${m.a} and ${m.b} (the text it shares with each overlaps ${m.score.toFixed(2)}, ` +
        `at least ${dedupe.lowContainment} needed, or both carry its first paragraph, or they are teaser copies), ${m.at.toISOString()}`,
    );
  for (const line of await explainEvent(store, id, article.published, session.config().dedupe.events))
    session.print(line);
  return 0;
}
