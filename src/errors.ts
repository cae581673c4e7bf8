// Typed errors. Each message already says where the problem is (file, key, line, URL).

class TidingsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A bad configuration file or option: exit code 2. */
export class ConfigError extends TidingsError {}

/** A usage error on the command line: exit code 2. */
export class UsageError extends TidingsError {}

/** A seed document or feed file that cannot be read as an article. */
export class InputError extends TidingsError {}

/** A database that cannot be opened or upgraded. */
export class StoreError extends TidingsError {}

/** A search query that cannot be read; the message says why, for the user. */
export class SearchQueryError extends TidingsError {}

/** Another process holds the claim on a source to refresh (and kept it past --wait). */
export class BusyError extends TidingsError {}

/** A document that cannot be read as a feed. */
export class ParseError extends TidingsError {}

/** An HTML page, or anything else that is not a feed; `alternates` are the feeds a page links to. */
export class NotAFeedError extends ParseError {
  constructor(
    message: string,
    readonly alternates: string[] = [],
  ) {
    super(message);
  }
}

/** What a failed fetch tells its source's record: the HTTP status, when to ask again, whether it is gone. */
interface FetchDetails {
  status?: number;
  retryAfter?: Date;
  gone?: boolean;
}

/** A fetch that failed: `status` is the HTTP status when there was one. */
export class FetchError extends TidingsError {
  constructor(
    message: string,
    readonly details: FetchDetails = {},
  ) {
    super(message);
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** An error as it crosses a thread boundary (structured clone keeps no class). */
export interface WireError {
  name: string;
  message: string;
  alternates?: string[];
  details?: FetchDetails;
}

export function toWire(err: unknown): WireError {
  if (err instanceof NotAFeedError) return { name: 'NotAFeedError', message: err.message, alternates: err.alternates };
  if (err instanceof FetchError) return { name: 'FetchError', message: err.message, details: err.details };
  return { name: err instanceof TidingsError ? err.name : 'Error', message: errorMessage(err) };
}

/** The error again, as its own class; anything unknown comes back as a ParseError. */
export function fromWire(wire: WireError): Error {
  switch (wire.name) {
    case 'NotAFeedError':
      return new NotAFeedError(wire.message, wire.alternates);
    case 'InputError':
      return new InputError(wire.message);
    case 'FetchError':
      return new FetchError(wire.message, wire.details);
    default:
      return new ParseError(wire.message);
  }
}
