import type { LeadSource } from '../../store/lead-source-types.js';
import type { CliIo } from '../io.js';

export const HUMAN_ONLY_NOTE =
  'score, unopened streak, hot cadence and sunset count human opens and clicks only; machine opens and scanner clicks are kept here, set apart';

/** What `explain` says about the opens and clicks that were not a person. */
export async function machineSignalsOf(source: LeadSource, leadId: number, local: (t: number) => string | null) {
  const events = await source.machineSignals(leadId);
  return { note: HUMAN_ONLY_NOTE, count: events.length, events: events.map((e) => ({ type: e.type, at: local(e.at), reason: e.reason })) };
}

export function printMachineSignals(io: CliIo, signals: Awaited<ReturnType<typeof machineSignalsOf>>): void {
  io.stdout(`\nMachine opens and scanner clicks: ${signals.count} (${signals.note})`);
  for (const e of signals.events.slice(-5)) io.stdout(`  ${e.at ?? ''}  ${e.type}  ${e.reason}`);
}
