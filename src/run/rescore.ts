import type { ScoreRow } from '../db/scores.js';
import {
  type LeadScore,
  type ScoredEvent,
  type ScoringModel,
  scoreLead,
  type SentMessage,
} from '../domain/scoring.js';
import { salesReadyReason } from '../domain/stages.js';
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
  // In id order: neighbouring leads share index and table pages, so a chunk reads far fewer of them.
  const all = [...ids].sort((a, b) => a - b);
  for (let i = 0; i < all.length; i += CHUNK) {
    const chunk = all.slice(i, i + CHUNK);
    const leads = stores.leads.byIds(chunk);
    const events = stores.events.forLeads(chunk);
    const sends = model.engagement.some((r) => r.unopenedStreak !== undefined)
      ? stores.leads.scores.sentMessages(chunk)
      : new Map<number, SentMessage[]>();
    const rows = leads.map((lead) => {
      const leadEvents = events.get(lead.id) ?? [];
      const s = scoreLead(model, lead, leadEvents, now, sends.get(lead.id) ?? []);
      return { ...scoreRow(model, lead.id, s, leadEvents, now), before: lead.saved };
    });
    const r = stores.leads.scores.record(rows, now, { cause, minDelta: 0.01 });
    report.rescored += rows.length;
    report.history += r.history;
    report.handoffs += r.handoffs;
  }
  return report;
}
