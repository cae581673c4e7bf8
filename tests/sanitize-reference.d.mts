// The types of sanitize-reference.mjs, for the type-checked tests.
import type { IOptions } from 'sanitize-html';
import type { ALLOWLIST } from '../src/normalize/html-walk.js';

export function referenceOptions(
  base: string | undefined,
  resolveUrl: (url: string, base?: string) => string | undefined,
  allowlist: typeof ALLOWLIST,
): IOptions;
