// Typed errors. Each message already says where the problem is (file, key, line, URL).

export class TidingsError extends Error {
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

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
