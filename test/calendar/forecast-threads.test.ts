import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { forecast, type ForecastOptions } from '../../src/run/forecast.js';
import { CHUNK_LEADS, forecastInThreads } from '../../src/run/forecast-threads.js';
import { DAY_MS } from '../../src/time/clock.js';
import { seededWorkspace } from './seeded.js';

const ZONES = [['America/New_York', 'US'], ['Asia/Kolkata', 'IN'], ['Pacific/Chatham', 'NZ'], ['Europe/Berlin', 'DE']] as const;

describe('the forecast split over worker threads', () => {
  let seeded: Awaited<ReturnType<typeof seededWorkspace>>;
  let app: App;

  beforeAll(async () => {
    seeded = await seededWorkspace();
    app = seeded.open();
    // The example leads (with their events) and enough more for several chunks, so that
    // chunks planned by different threads meet in the middle of the order.
    const insert = app.conn.sqlite.prepare(
      `INSERT INTO leads (email, job_title, industry, country, timezone, consent, attributes, created_at, updated_at)
       VALUES (?, ?, 'SaaS', ?, ?, 'confirmed', '{}', 0, 0)`,
    );
    app.conn.sqlite.transaction(() => {
      for (let i = 0; i < CHUNK_LEADS + 500; i++) {
        const [zone, country] = ZONES[i % ZONES.length]!;
        insert.run(`lead${(i * 7919) % 10_007}@company${i % 13}.example`, i % 3 ? 'VP Marketing' : 'Director of Sales', country, zone);
      }
    })();
  });
  afterAll(() => {
    app.close();
    seeded.cleanup();
  });

  const window = (): ForecastOptions => ({ from: app.clock.now(), to: app.clock.now() + 30 * DAY_MS });
  const text = (value: unknown) => JSON.stringify(value);

  it('gives the same items in the same order as one thread, planning here or only in workers', async () => {
    const expected = text(forecast(app.conn, app.workspace, window()));
    expect(text(await forecastInThreads(app.conn, app.workspace, window(), { workers: 1, here: true }))).toBe(expected);
    expect(text(await forecastInThreads(app.conn, app.workspace, window(), { workers: 2, here: false }))).toBe(expected);
  });

  it('filters by sequence as one thread does', async () => {
    const options = { ...window(), sequenceId: 'evaluators' };
    const expected = forecast(app.conn, app.workspace, options);
    expect(expected.items.length).toBeGreaterThan(0);
    expect(text(await forecastInThreads(app.conn, app.workspace, options, { workers: 1, here: false }))).toBe(text(expected));
  });
});
