// The types of sanitize-reference.mjs, for the type-checked tests.
import type { IOptions } from 'sanitize-html';

export function referenceOptions(
  base: string | undefined,
  resolveUrl: (url: string, base?: string) => string | undefined,
): IOptions;
