// WebSub publishing: tell the configured hubs which feeds changed. A failing hub is logged, never fatal.
import type { Logger } from '../log.js';

export interface PingOptions {
  /** Delays before the second and third attempts, in milliseconds. */
  retryDelays?: number[];
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export async function pingHubs(
  hubs: readonly string[],
  feedUrls: string[],
  log: Logger,
  options: PingOptions = {},
): Promise<void> {
  const { retryDelays = [2_000, 10_000], fetch: doFetch = fetch, timeoutMs = 10_000 } = options;
  await Promise.all(
    hubs.map(async (hub) => {
      const body = new URLSearchParams([
        ['hub.mode', 'publish'],
        ...feedUrls.map((url) => ['hub.url', url] as [string, string]),
      ]);
      for (let attempt = 0; ; attempt += 1) {
        try {
          const res = await doFetch(hub, {
            method: 'POST',
            body,
            signal: AbortSignal.timeout(timeoutMs),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
          });
          if (res.ok)
            return void log.info({ hub, feeds: feedUrls.length }, `websub: pinged ${hub} for ${feedUrls.length} feeds`);
          throw new Error(`HTTP ${res.status}`);
        } catch (err) {
          if (attempt >= retryDelays.length) {
            return void log.warn(
              { hub },
              `websub: could not ping ${hub} after ${attempt + 1} attempts: ${(err as Error).message}`,
            );
          }
          await new Promise((ok) => setTimeout(ok, retryDelays[attempt]));
        }
      }
    }),
  );
}
