import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

/**
 * The PostgreSQL mirror of src/db/schema.ts: the same tables, columns, indexes and meanings, so
 * that both stores hand the domain the same values. Instants stay epoch milliseconds (`bigint`,
 * read as JS numbers: 2^53 ms is the year 287,396), not timestamptz, because the domain and the
 * SQLite store speak epoch ms and a conversion on every row would be a place for the two to
 * differ. Ids are bigint identities ("by default", so `db copy` can keep SQLite's ids); SQLite's
 * REAL is a double, so scores are `double precision`; its 0/1 flags are booleans here.
 *
 * Tables only PostgreSQL has are at the end (workers).
 */
const ms = (name: string) => bigint(name, { mode: 'number' });
const id = () => bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity();
const ref = (name: string) => bigint(name, { mode: 'number' });

export const leads = pgTable(
  'leads',
  {
    id: id(),
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    company: text('company').notNull().default(''),
    jobTitle: text('job_title').notNull().default(''),
    industry: text('industry').notNull().default(''),
    country: text('country').notNull().default(''),
    timezone: text('timezone').notNull().default(''),
    zoneSource: text('zone_source'),
    consent: text('consent', { enum: ['none', 'pending', 'confirmed', 'unsubscribed'] })
      .notNull()
      .default('none'),
    consentAt: ms('consent_at'),
    consentSource: text('consent_source').notNull().default(''),
    attributes: text('attributes').notNull().default('{}'),
    suppressedReason: text('suppressed_reason'),
    suppressedAt: ms('suppressed_at'),
    pausedAt: ms('paused_at'),
    pausedUntil: ms('paused_until'),
    score: doublePrecision('score'),
    fitScore: doublePrecision('fit_score'),
    engagementScore: doublePrecision('engagement_score'),
    stage: text('stage'),
    scoredAt: ms('scored_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    /** As in SQLite (src/db/schema.ts): the next moment the lead's plan can change with no new input. */
    wakeAt: ms('wake_at').notNull().default(0),
    inputVersion: integer('input_version').notNull().default(0),
  },
  (t) => [uniqueIndex('leads_email').on(t.email)],
);

/** What the last complete run planned with (see src/db/schema.ts). */
export const planState = pgTable('plan_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const consentLog = pgTable(
  'consent_log',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    consent: text('consent').notNull(),
    previous: text('previous'),
    at: ms('at').notNull(),
    recordedAt: ms('recorded_at').notNull(),
    source: text('source').notNull(),
    evidence: text('evidence').notNull(),
    refused: text('refused'),
  },
  (t) => [index('consent_log_lead').on(t.leadId, t.at)],
);

export const events = pgTable(
  'events',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    type: text('type').notNull(),
    occurredAt: ms('occurred_at').notNull(),
    url: text('url').notNull().default(''),
    properties: text('properties').notNull().default('{}'),
    externalId: text('external_id'),
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').notNull().default(''),
    recordedAt: ms('recorded_at').notNull(),
    signal: text('signal').notNull().default(''),
    signalReason: text('signal_reason').notNull().default(''),
    sendId: ref('send_id'),
  },
  (t) => [
    uniqueIndex('events_dedupe').on(t.dedupeKey),
    index('events_lead').on(t.leadId, t.occurredAt),
    index('events_send').on(t.sendId, t.type, t.signal).where(sql`send_id IS NOT NULL`),
    index('events_type_at').on(t.type, t.occurredAt).where(sql`type NOT IN ('email_opened', 'email_clicked')`),
  ],
);

export const enrollments = pgTable(
  'enrollments',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    sequenceId: text('sequence_id').notNull(),
    status: text('status', { enum: ['active', 'completed', 'exited'] }).notNull(),
    enrolledAt: ms('enrolled_at').notNull(),
    endedAt: ms('ended_at'),
    reason: text('reason').notNull().default(''),
    runId: ref('run_id'),
    entryReason: text('entry_reason').notNull().default(''),
  },
  (t) => [
    uniqueIndex('enrollments_lead_sequence').on(t.leadId, t.sequenceId),
    index('enrollments_status').on(t.status),
  ],
);

export const sends = pgTable(
  'sends',
  {
    id: id(),
    enrollmentId: ref('enrollment_id')
      .notNull()
      .references(() => enrollments.id),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    sequenceId: text('sequence_id').notNull(),
    stepId: text('step_id').notNull(),
    force: text('force').notNull(),
    status: text('status', { enum: ['planned', 'sending', 'sent', 'failed', 'skipped'] }).notNull(),
    plannedAt: ms('planned_at'),
    dueAt: ms('due_at'),
    sentAt: ms('sent_at'),
    reason: text('reason').notNull().default(''),
    ref: text('ref').notNull(),
    messageId: text('message_id'),
    attempts: integer('attempts').notNull().default(0),
    lastResponse: text('last_response'),
    runId: ref('run_id'),
    updatedAt: ms('updated_at').notNull(),
    /** The experiment variant this touch carries (domain/experiments), null for a step without variants. */
    variant: text('variant'),
  },
  (t) => [
    uniqueIndex('sends_enrollment_step').on(t.enrollmentId, t.stepId),
    uniqueIndex('sends_ref').on(t.ref).where(sql`ref <> ''`),
    index('sends_lead').on(t.leadId, t.sentAt),
    index('sends_sending').on(t.id).where(sql`status = 'sending'`),
    index('sends_variant').on(t.sequenceId, t.stepId, t.variant).where(sql`variant IS NOT NULL`),
  ],
);

export const runs = pgTable(
  'runs',
  {
    id: id(),
    at: ms('at').notNull(),
    startedAt: ms('started_at').notNull(),
    finishedAt: ms('finished_at'),
    dryRun: boolean('dry_run').notNull().default(false),
    status: text('status', { enum: ['running', 'finished', 'failed'] }).notNull(),
    counts: text('counts').notNull().default('{}'),
    error: text('error'),
    /** The tick this run was elected for: the conditional insert that elects it conflicts here. */
    tickAt: ms('tick_at'),
  },
  (t) => [uniqueIndex('runs_tick_at').on(t.tickAt)],
);

export const runBatches = pgTable(
  'run_batches',
  {
    runId: ref('run_id')
      .notNull()
      .references(() => runs.id),
    batchNo: integer('batch_no').notNull(),
    afterId: ref('after_id').notNull(),
    lastId: ref('last_id').notNull(),
    status: text('status', { enum: ['pending', 'planned'] }).notNull().default('pending'),
    workerId: ref('worker_id'),
    leads: integer('leads').notNull().default(0),
    plannedAt: ms('planned_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.batchNo] })],
);

export const runLock = pgTable('run_lock', {
  id: integer('id').primaryKey(),
  runId: ref('run_id').notNull(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  acquiredAt: ms('acquired_at').notNull(),
});

export const quarantinedEvents = pgTable(
  'quarantined_events',
  {
    id: id(),
    email: text('email').notNull(),
    type: text('type').notNull(),
    occurredAt: ms('occurred_at').notNull(),
    url: text('url').notNull().default(''),
    properties: text('properties').notNull().default('{}'),
    externalId: text('external_id'),
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').notNull().default(''),
    reason: text('reason').notNull(),
    recordedAt: ms('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('quarantined_events_dedupe').on(t.dedupeKey), index('quarantined_events_email').on(t.email)],
);

export const scoreHistory = pgTable(
  'score_history',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    at: ms('at').notNull(),
    score: doublePrecision('score').notNull(),
    fit: doublePrecision('fit').notNull(),
    engagement: doublePrecision('engagement').notNull(),
    stage: text('stage').notNull(),
    cause: text('cause').notNull().default(''),
  },
  (t) => [index('score_history_lead').on(t.leadId, t.at)],
);

export const handoffs = pgTable(
  'handoffs',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    at: ms('at').notNull(),
    reason: text('reason').notNull(),
    score: doublePrecision('score').notNull(),
  },
  (t) => [uniqueIndex('handoffs_lead').on(t.leadId), index('handoffs_at').on(t.at)],
);

export const deliveryAttempts = pgTable(
  'delivery_attempts',
  {
    id: id(),
    sendId: ref('send_id'),
    confirmationId: ref('confirmation_id'),
    at: ms('at').notNull(),
    ok: boolean('ok').notNull(),
    permanent: boolean('permanent').notNull().default(false),
    response: text('response').notNull(),
    runId: ref('run_id'),
  },
  (t) => [index('delivery_attempts_send').on(t.sendId)],
);

export const confirmations = pgTable(
  'confirmations',
  {
    id: id(),
    leadId: ref('lead_id')
      .notNull()
      .references(() => leads.id),
    ref: text('ref').notNull(),
    status: text('status', { enum: ['planned', 'sending', 'sent', 'failed', 'confirmed', 'skipped'] }).notNull(),
    plannedAt: ms('planned_at').notNull(),
    sentAt: ms('sent_at'),
    confirmedAt: ms('confirmed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastResponse: text('last_response'),
  },
  (t) => [uniqueIndex('confirmations_lead').on(t.leadId), uniqueIndex('confirmations_ref').on(t.ref)],
);

/** A decision an experiment reached (a winner, a variant a guardrail stopped): once reached, it stays. */
export const experimentDecisions = pgTable('experiment_decisions', {
  experiment: text('experiment').primaryKey(),
  outcome: text('outcome').notNull(),
  decidedAt: ms('decided_at').notNull(),
  /** Set when the winner was written into the sequence file (`experiments conclude`, or autoConclude). */
  concludedAt: ms('concluded_at'),
});

/**
 * `nurture worker` processes sharing this database (PostgreSQL only): each announces itself and
 * keeps `seen_at` fresh while it holds its session advisory lock, so that the others can tell a
 * dead worker's claimed sends (reported as uncertain, never resent blindly).
 */
export const workers = pgTable(
  'workers',
  {
    id: id(),
    host: text('host').notNull(),
    pid: integer('pid').notNull(),
    startedAt: ms('started_at').notNull(),
    seenAt: ms('seen_at').notNull(),
    stoppedAt: ms('stopped_at'),
  },
  (t) => [index('workers_seen').on(t.seenAt)],
);
