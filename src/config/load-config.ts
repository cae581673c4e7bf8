// loadConfig(path) → a validated, typed, frozen Config. Errors name the file, the key path and
// what was expected.
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.js';
import { deepFreeze, readConfigBytes } from './cached-config.js';
import { configSchema, type Config } from './schema.js';

/** For the tests that import it from here; the code imports it from paths.ts. */
export { resolvePaths } from './paths.js';

export function loadConfig(file: string): Readonly<Config> {
  return parseConfig(readConfigBytes(file).toString('utf8'), file);
}

export function parseConfig(text: string, file: string): Readonly<Config> {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const where = e.linePos?.[0] ? `:${e.linePos[0].line}:${e.linePos[0].col}` : '';
    throw new ConfigError(`${file}${where}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const raw = doc.toJS() ?? {};
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(file, result.error.issues, raw));
  return deepFreeze({ ...result.data, file: resolve(file) });
}

function formatIssues(file: string, issues: z.core.$ZodIssue[], data: unknown): string {
  return issues
    .slice(0, 5)
    .flatMap((issue) => {
      if (issue.code === 'unrecognized_keys')
        return issue.keys.map((key) => `${file}: ${keyPath([...issue.path, key])}: unknown key`);
      return [
        `${file}: ${keyPath(issue.path) || '(top level)'}: ${inWords(
          issue,
          issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown> | undefined)?.[k], data),
        )}`,
      ];
    })
    .join('\n');
}

const KINDS: Record<string, string> = {
  array: 'a list such as [a, b]',
  object: 'keys with values',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** What was expected and what was found, in words, where the schema library has its own wording. */
function inWords(issue: z.core.$ZodIssue, value: unknown): string {
  const found =
    value === undefined || value === null
      ? 'nothing'
      : Array.isArray(value)
        ? 'a list'
        : typeof value === 'object'
          ? 'keys with values'
          : JSON.stringify(value).slice(0, 60);
  switch (issue.code) {
    case 'invalid_type':
      return value === undefined
        ? `missing: expected ${KINDS[issue.expected] ?? issue.expected}`
        : `expected ${KINDS[issue.expected] ?? issue.expected}, not ${found}`;
    case 'too_small':
      if (issue.origin === 'string') return 'expected some text, not an empty one';
      return `expected ${issue.origin === 'array' || issue.inclusive ? 'at least' : 'more than'} ${issue.minimum}${issue.origin === 'array' ? ' items' : ''}, not ${found}`;
    case 'too_big':
      return `expected ${issue.inclusive ? 'at most' : 'less than'} ${issue.maximum}${issue.origin === 'array' ? ' items' : ''}, not ${found}`;
    case 'invalid_value':
      return `expected one of: ${issue.values.map(String).join(', ')}, not ${found}`;
    default:
      return issue.message;
  }
}

function keyPath(path: PropertyKey[]): string {
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i ? '.' : ''}${String(part)}`)).join('');
}
