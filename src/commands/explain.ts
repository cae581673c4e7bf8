// tidings explain ID: which rule merged an article into its story, and at what distance.
import { UsageError } from '../errors.js';
import type { Session } from './session.js';

const RULES = { url: 'rule 2, the same canonical URL', fingerprint: 'rule 3, the same content fingerprint', near: 'rule 4, a near duplicate' };

export async function explainCommand(session: Session, { id }: { id: string }): Promise<number> {
  session.config();
  const store = await session.store();
  const article = await store.article(id);
  const link = await store.storyLink(id);
  if (!article || !link) throw new UsageError(`no article with id ${id} (see tidings articles)`);
  const members = await store.carriersOf(id);
  const links = new Map(await Promise.all(members.map(async (m) => [m.id, await store.storyLink(m.id)] as const)));
  session.print(`${article.id}: "${article.title}" from ${article.source}, published ${article.published.toISOString()}`);
  if (!link.rule) {
    const joined = members.filter((m) => links.get(m.id)?.matchedWith === article.id).map((m) => m.id);
    session.print(joined.length ? `started the story; ${joined.join(', ')} joined it` : 'not merged with anything');
  } else {
    const distance = link.rule === 'near' ? `: ${((link.score ?? 0) * 100).toFixed(0)}% of the shorter text's word 3-shingles shared (distance ${(1 - (link.score ?? 0)).toFixed(2)})` : ' (distance 0)';
    session.print(`merged by ${RULES[link.rule]} with ${link.matchedWith}${distance}`);
  }
  session.print(`story ${link.story}: ${members.length} article${members.length === 1 ? '' : 's'}; ${link.canonical ? 'this is the canonical one' : `canonical: ${members.find((m) => links.get(m.id)?.canonical)?.id ?? '?'}`}`);
  for (const m of members) session.print(`  ${m.id}  ${m.source}  ${m.published.toISOString()}  ${m.title}`);
  return 0;
}
