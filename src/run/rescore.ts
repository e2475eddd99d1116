import type { ScoreRow } from '../db/scores.js';
import {
  type LeadScore,
  type ScoredEvent,
  type ScoringModel,
  scoreLead,
  type SentMessage,
} from '../domain/scoring.js';
import { salesReadyReason } from '../domain/stages.js';
import type { LeadRow } from '../db/leads.js';
import type { LoadedLead, Stores } from './context.js';

const CHUNK = 1000;

export interface RescoreReport {
  rescored: number;
  history: number;
  handoffs: number;
}

export function scoreRow(model: ScoringModel, id: number, s: LeadScore, events: readonly ScoredEvent[], now: number): ScoreRow {
  return {
    id,
    score: s.score,
    fit: s.fit,
    engagement: s.engagement,
    stage: s.stage,
    handoffReason: s.stage === 'sales-ready' ? salesReadyReason(model.stages, s.score, events, now) : undefined,
  };
}

/** Scores one lead with everything the rules can use: its events and the emails it was sent. */
export function scoreLoaded(model: ScoringModel, lead: LoadedLead, now: number): LeadScore {
  return scoreLead(model, lead.state.profile, lead.state.events, now, lead.sends);
}

/** Whether scoring reads the emails a lead was sent (an unopened-streak rule). */
export const scoringReadsSends = (model: ScoringModel): boolean => model.engagement.some((r) => r.unopenedStreak !== undefined);

/** The score rows of a chunk of leads, from what was read of them: one rule for both stores. */
export function rescoreRows(
  model: ScoringModel,
  leads: readonly LeadRow[],
  events: ReadonlyMap<number, ScoredEvent[]>,
  sends: ReadonlyMap<number, SentMessage[]>,
  now: number,
): ScoreRow[] {
  return leads.map((lead) => {
    const leadEvents = events.get(lead.id) ?? [];
    const s = scoreLead(model, lead, leadEvents, now, sends.get(lead.id) ?? []);
    return { ...scoreRow(model, lead.id, s, leadEvents, now), before: lead.saved };
  });
}

/** Chunks of ids to rescore, in id order: neighbouring leads share index and table pages, so a chunk reads far fewer of them. */
export function rescoreChunks(ids: Iterable<number>): number[][] {
  const all = [...ids].sort((a, b) => a - b);
  const out: number[][] = [];
  for (let i = 0; i < all.length; i += CHUNK) out.push(all.slice(i, i + CHUNK));
  return out;
}

/** How a rescore records its rows. */
export const rescoreRecording = (cause: string) => ({ cause, minDelta: 0.01 });

/**
 * Incremental rescoring: only the given leads (those an import touched), a chunk at a time.
 * Every change is kept in the history with its cause, and a first sales-ready becomes a handoff.
 */
export function rescoreLeads(
  stores: Stores,
  model: ScoringModel,
  ids: Iterable<number>,
  now: number,
  cause: string,
): RescoreReport {
  const report: RescoreReport = { rescored: 0, history: 0, handoffs: 0 };
  for (const chunk of rescoreChunks(ids)) {
    const leads = stores.leads.byIds(chunk);
    const events = stores.events.forLeads(chunk);
    const sends = scoringReadsSends(model) ? stores.leads.scores.sentMessages(chunk) : new Map<number, SentMessage[]>();
    const rows = rescoreRows(model, leads, events, sends, now);
    const r = stores.leads.scores.record(rows, now, rescoreRecording(cause));
    report.rescored += rows.length;
    report.history += r.history;
    report.handoffs += r.handoffs;
  }
  return report;
}
