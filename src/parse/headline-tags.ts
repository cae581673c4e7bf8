// Which hashtags of a headline are tags. A seed's hashtag line is its headline ("#Pakistan #expels
// #Iranian #ambassador"), so most of its words are verbs, adjectives and function words: tagging
// every one gave the trial 422 one-article tags such as "in", "The", "gets" and "expels".
//
// The rule: a hashtag is a tag when it names something, that is when it is written with a capital
// (#Pakistan, #Iranian, #Market_hall) or joins several words (#bike_lanes, #flood_barrier), in a
// script with case; in a script without case (Urdu, Chinese) every hashtag is. It is not when it
// is a function word or starts with one (#The, #in, #after_renovation, #at_record_pace) or starts
// with a digit (#60_metres). So lowercase single words (#expels, #gets, #glass) stay words of the
// headline only. A line of one or two hashtags is no headline (it has no verb): each is a tag.

// English closed-class words (articles, prepositions, conjunctions, pronouns, auxiliaries), and the
// verbs of reporting that Title Case headlines capitalize ("Trump Says…", "Senate Calls…"): on the
// labeled real news of issue 22 (1,488 headlines) they were the commonest words after the names.
const FUNCTION_WORDS = new Set(
  `a an the and or but nor so yet of in on at to for from by with without about after before over under into onto up down out off as
  than via vs amid among against during since until upon within across behind beyond near per is are was were be been being am has
  have had do does did will would can could may might must shall should get gets got it its he she they we you i his her their our
  your this that these those who whom what when where why how not no new says said say tells told calls asks warns vows urges`.split(
    /\s+/,
  ),
);

/** The labels of a headline's hashtags that are tags; a possessive is its name (#Trump's is Trump). */
export function headlineTags(labels: readonly string[]): string[] {
  const tags =
    labels.length < 3
      ? labels.filter((l) => !FUNCTION_WORDS.has(l.replace(/_/g, ' ').toLowerCase()))
      : labels.filter(isHeadlineTag);
  return tags.map((t) => t.replace(/(?<=\p{L})['’]s$/u, ''));
}

function isHeadlineTag(raw: string): boolean {
  const label = raw.replace(/_/g, ' ');
  const first = label.split(' ')[0]!;
  if (FUNCTION_WORDS.has(first.toLowerCase()) || /^\p{N}/u.test(label)) return false;
  return label.includes(' ') || !/^\p{Ll}/u.test(label);
}
