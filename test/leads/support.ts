import { afterEach } from 'vitest';
import { badInputWorkspace } from '../bad-input/support.js';

/** Six leads, each held back for a different reason but one (NOW is Monday 2026-11-23 12:00Z). */
export const LEADS = [
  'email,first_name,last_name,company,job_title,industry,country,timezone,consent,consent_at,plan',
  'ana@brightstack.example,Ana,Reyes,Brightstack,VP Marketing,SaaS,US,America/New_York,confirmed,2026-11-01T09:00:00Z,pro',
  'ben@quietco.example,Ben,Ode,Quietco,Analyst,Retail,US,America/New_York,none,,free',
  'cara@quietco.example,Cara,Lind,Quietco,Intern,Retail,US,America/New_York,confirmed,2026-11-01T09:00:00Z,free',
  'dan@quietco.example,Dan,Ruiz,Quietco,Analyst,Retail,US,,unsubscribed,2026-11-10T09:00:00Z,free',
  'eve@northwind.example,Eve,Moss,Northwind,Director of Marketing,Retail,US,America/New_York,confirmed,2026-11-01T09:00:00Z,pro',
  'fay@northwind.example,Fay,Park,Northwind,Director of Marketing,Retail,US,America/New_York,confirmed,2026-11-01T09:00:00Z,pro',
].join('\n');

export const EVENTS = [
  'email,type,occurred_at',
  'eve@northwind.example,replied,2026-11-20T15:00:00Z',
  'fay@northwind.example,closed_lost,2026-11-13T15:00:00Z',
].join('\n');

/** The example workspace with these leads and events imported. */
export async function leadsWorkspace() {
  const ws = badInputWorkspace();
  ws.write('leads.csv', LEADS);
  ws.write('events.csv', EVENTS);
  const leads = await ws.cli('leads', 'import', 'leads.csv');
  if (leads.status !== 0) throw new Error(leads.stderr);
  const events = await ws.cli('events', 'import', 'events.csv');
  if (events.status !== 0) throw new Error(events.stderr);
  return ws;
}

/** A fresh leads workspace per call, removed after each test of the calling suite. */
export function leadsWorkspaces(): () => ReturnType<typeof leadsWorkspace> {
  let cleanup = () => {};
  afterEach(() => cleanup());
  return async () => {
    const w = await leadsWorkspace();
    cleanup = w.cleanup;
    return w;
  };
}
