// The logger interface every stage takes: pino's call shape, so the daemon can hand in pino itself.

export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** For the CLI: warnings and errors as plain lines on standard error; info is left out. */
export function stderrLogger(stream: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string) => (_fields: object, message: string) => void stream.write(`${level}: ${message}\n`);
  return { info: () => {}, warn: line('warning'), error: line('error') };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
