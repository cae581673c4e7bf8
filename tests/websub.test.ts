import { describe, expect, it } from 'vitest';
import { pingHubs } from '../src/publish/websub.js';
import { recorder } from './helpers.js';
import { startServer } from './helpers-http.js';

describe('pingHubs', () => {
  it('retries a failing hub, and a hub that keeps failing is logged, never thrown', async () => {
    let calls = 0;
    const hub = await startServer({
      '/flaky': (_req, res) => res.writeHead(++calls < 2 ? 503 : 204).end(),
      '/down': (_req, res) => res.writeHead(500).end(),
    });
    const log = recorder();
    try {
      await pingHubs([`${hub.origin}/flaky`, `${hub.origin}/down`], ['https://f.example/all.rss'], log, {
        retryDelays: [10, 10],
      });
      expect(calls).toBe(2);
      expect(hub.hits.get('/down')).toHaveLength(3);
      expect(log.lines).toContain(`websub: pinged ${hub.origin}/flaky for 1 feeds`);
      expect(log.lines).toContain(`websub: could not ping ${hub.origin}/down after 3 attempts: HTTP 500`);
    } finally {
      await hub.close();
    }
  });
});
