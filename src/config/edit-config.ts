// Edits the configuration file in place, keeping its comments and order (the yaml Document API).
import { readFileSync } from 'node:fs';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../errors.js';
import { writeFileAtomic } from '../lib/write-files.js';
import { parseConfig } from './load-config.js';

function load(file: string): Document {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  return parseDocument(text);
}

/** Writes the document after checking that it is still a valid configuration. */
function save(file: string, doc: Document): void {
  // `tags: [local]` stays as written, not `[ local ]`.
  const text = doc.toString({ flowCollectionPadding: false });
  parseConfig(text, file);
  writeFileAtomic(file, text);
}

function sourcesOf(doc: Document) {
  let seq = doc.get('sources');
  if (!seq) {
    doc.set('sources', doc.createNode([]));
    seq = doc.get('sources');
  }
  if (!isSeq(seq)) throw new ConfigError('the configuration has "sources" that is not a list');
  return seq;
}

export function addSources(file: string, sources: Record<string, unknown>[]): void {
  const doc = load(file);
  const seq = sourcesOf(doc);
  for (const source of sources) seq.add(doc.createNode(source));
  save(file, doc);
}

/** Removes a source; false when there is none by that name. */
export function removeSource(file: string, name: string): boolean {
  const doc = load(file);
  const seq = sourcesOf(doc);
  const index = seq.items.findIndex((item) => isMap(item) && item.get('name') === name);
  if (index < 0) return false;
  seq.delete(index);
  save(file, doc);
  return true;
}
