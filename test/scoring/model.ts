import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { ScoredEvent, ScoringModel } from '../../src/domain/scoring.js';
import type { EventType, LeadProfile } from '../../src/domain/types.js';
import { configSchema } from '../../src/workspace/schema.js';
import { scoringFrom } from '../../src/workspace/policy.js';
import { REPO_ROOT } from '../helpers/workspace.js';

/** The scoring rules of the example workspace (the repository's nurture.yaml). */
export function seedModel(): ScoringModel {
  const config = configSchema.parse(parse(readFileSync(join(REPO_ROOT, 'nurture.yaml'), 'utf8')));
  return scoringFrom(config);
}

export const NOW = Date.parse('2026-11-23T12:00:00Z');
export const DAY = 86_400_000;

let nextId = 1;
export function lead(over: Partial<LeadProfile> = {}): LeadProfile {
  return {
    id: nextId++,
    email: 'someone@acme.example',
    firstName: 'Sam',
    lastName: 'Lee',
    company: 'Acme',
    jobTitle: '',
    industry: '',
    country: 'US',
    timezone: '',
    consent: 'confirmed',
    attributes: {},
    ...over,
  };
}

export const ev = (type: EventType, daysAgo: number, url = '', properties?: Record<string, string>): ScoredEvent => ({
  type,
  at: NOW - daysAgo * DAY,
  url,
  ...(properties ? { properties } : {}),
});
