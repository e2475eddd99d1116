import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** Instants are stored as epoch milliseconds (integers): compact, sortable, zone-free. */

export const leads = sqliteTable(
  'leads',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Lower-cased: the upsert key. */
    email: text('email').notNull(),
    firstName: text('first_name').notNull().default(''),
    lastName: text('last_name').notNull().default(''),
    company: text('company').notNull().default(''),
    jobTitle: text('job_title').notNull().default(''),
    industry: text('industry').notNull().default(''),
    country: text('country').notNull().default(''),
    timezone: text('timezone').notNull().default(''),
    /** Where the zone came from: given, country, region, city, workspace (null: before imports said). */
    zoneSource: text('zone_source'),
    consent: text('consent', { enum: ['none', 'pending', 'confirmed', 'unsubscribed'] })
      .notNull()
      .default('none'),
    consentAt: integer('consent_at'),
    consentSource: text('consent_source').notNull().default(''),
    attributes: text('attributes').notNull().default('{}'),
    /** Why no mail may go to this address any more (unsubscribed, bounced, complained). */
    suppressedReason: text('suppressed_reason'),
    suppressedAt: integer('suppressed_at'),
    /** `nurture leads pause`: when it was paused, and until when (null with a pause: until resumed). */
    pausedAt: integer('paused_at'),
    pausedUntil: integer('paused_until'),
    score: real('score'),
    fitScore: real('fit_score'),
    engagementScore: real('engagement_score'),
    stage: text('stage'),
    scoredAt: integer('scored_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * The next moment the lead's plan can change with no new input (issue 16): an incremental run
     * plans only leads with `wake_at <= now`. 0: due now (new lead, or new input since it was
     * planned; the input triggers of migration 0009 set it).
     */
    wakeAt: integer('wake_at').notNull().default(0),
    /** Bumped by the input triggers with `wake_at`: a run keeps the wake it computed only if no input arrived meanwhile. */
    inputVersion: integer('input_version').notNull().default(0),
  },
  (t) => [uniqueIndex('leads_email').on(t.email)],
);

/** What the last complete run planned with: the digest of the planning rules and its day's snapshot (issue 16). */
export const planState = sqliteTable('plan_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/** Every consent change with its evidence: the proof GDPR article 7 asks for. */
export const consentLog = sqliteTable(
  'consent_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    consent: text('consent').notNull(),
    previous: text('previous'),
    at: integer('at').notNull(),
    recordedAt: integer('recorded_at').notNull(),
    source: text('source').notNull(),
    evidence: text('evidence').notNull(),
    /** The consent an import asked for and did not get (it would have raised a suppressed address); the row's consent is unchanged. */
    refused: text('refused'),
  },
  (t) => [index('consent_log_lead').on(t.leadId, t.at)],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    type: text('type').notNull(),
    occurredAt: integer('occurred_at').notNull(),
    url: text('url').notNull().default(''),
    properties: text('properties').notNull().default('{}'),
    externalId: text('external_id'),
    /** The id when given, else email|type|time|url: importing the same event twice stores it once. */
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').notNull().default(''),
    recordedAt: integer('recorded_at').notNull(),
    /** Opens and clicks: 'human' or 'machine' (src/domain/signals.ts); '' for other events. */
    signal: text('signal').notNull().default(''),
    signalReason: text('signal_reason').notNull().default(''),
    /** The message an open, click, unsubscribe or bounce came from, when its ref is known. */
    sendId: integer('send_id'),
  },
  (t) => [
    uniqueIndex('events_dedupe').on(t.dedupeKey),
    index('events_lead').on(t.leadId, t.occurredAt),
    // The report reads each message's signals from this index alone (covering: type and signal).
    index('events_send').on(t.sendId, t.type, t.signal).where(sql`send_id IS NOT NULL`),
    // Goals (meetings, forms, customers) among millions of opens and clicks.
    index('events_type_at').on(t.type, t.occurredAt).where(sql`type NOT IN ('email_opened', 'email_clicked')`),
  ],
);

export const enrollments = sqliteTable(
  'enrollments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    sequenceId: text('sequence_id').notNull(),
    status: text('status', { enum: ['active', 'completed', 'exited'] }).notNull(),
    enrolledAt: integer('enrolled_at').notNull(),
    endedAt: integer('ended_at'),
    reason: text('reason').notNull().default(''),
    runId: integer('run_id'),
    /** Why the lead entered (stage, priority, the audience condition or trigger that matched); kept after it ends. */
    entryReason: text('entry_reason').notNull().default(''),
  },
  (t) => [
    uniqueIndex('enrollments_lead_sequence').on(t.leadId, t.sequenceId),
    index('enrollments_status').on(t.status),
  ],
);

/**
 * The outbox: one row per enrolment step. `planned` rows are the next touch and when it is
 * expected; a run claims a due row (`sending`) before talking to SMTP and marks it `sent` or
 * `failed` after, so a crash in between leaves it `sending` and it is never resent blindly.
 */
export const sends = sqliteTable(
  'sends',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enrollmentId: integer('enrollment_id')
      .notNull()
      .references(() => enrollments.id),
    leadId: integer('lead_id')
      .notNull()
      .references(() => leads.id),
    sequenceId: text('sequence_id').notNull(),
    stepId: text('step_id').notNull(),
    force: text('force').notNull(),
    status: text('status', { enum: ['planned', 'sending', 'sent', 'failed', 'skipped'] }).notNull(),
    plannedAt: integer('planned_at'),
    dueAt: integer('due_at'),
    sentAt: integer('sent_at'),
    reason: text('reason').notNull().default(''),
    /**
     * Opaque, unguessable message reference used in links and the Message-ID; written when the
     * row is claimed for sending ('' while planned: a planned row has no links to resolve yet).
     */
    ref: text('ref').notNull(),
    messageId: text('message_id'),
    attempts: integer('attempts').notNull().default(0),
    lastResponse: text('last_response'),
    runId: integer('run_id'),
    updatedAt: integer('updated_at').notNull(),
    /** The experiment variant this touch carries (domain/experiments), null for a step without variants. */
    variant: text('variant'),
  },
  (t) => [
    uniqueIndex('sends_enrollment_step').on(t.enrollmentId, t.stepId),
    // Partial indexes: a run writes tens of thousands of planned rows, and each random key
    // (an HMAC ref, a planned time) would dirty its own index page. Only claimed rows need these.
    uniqueIndex('sends_ref').on(t.ref).where(sql`ref <> ''`),
    index('sends_lead').on(t.leadId, t.sentAt),
    index('sends_sending').on(t.id).where(sql`status = 'sending'`),
    // Experiments read their arms' sends alone (few, beside millions without a variant).
    index('sends_variant').on(t.sequenceId, t.stepId, t.variant).where(sql`variant IS NOT NULL`),
  ],
);

export const runs = sqliteTable(
  'runs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: integer('at').notNull(),
    startedAt: integer('started_at').notNull(),
    finishedAt: integer('finished_at'),
    dryRun: integer('dry_run', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: ['running', 'finished', 'failed'] }).notNull(),
    counts: text('counts').notNull().default('{}'),
    error: text('error'),
    /** The tick a batch store's run was elected for (null for runs of `nurture run` today). */
    tickAt: integer('tick_at'),
  },
  (t) => [uniqueIndex('runs_tick_at').on(t.tickAt)],
);

/**
 * A tick's leads cut into id ranges (afterId, lastId]: the store's unit of claiming and planning.
 * A batch is `pending` until the transaction that planned it commits and marks it `planned`.
 */
export const runBatches = sqliteTable(
  'run_batches',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    batchNo: integer('batch_no').notNull(),
    afterId: integer('after_id').notNull(),
    lastId: integer('last_id').notNull(),
    status: text('status', { enum: ['pending', 'planned'] }).notNull().default('pending'),
    workerId: integer('worker_id'),
    leads: integer('leads').notNull().default(0),
    plannedAt: integer('planned_at'),
  },
  (t) => [primaryKey({ columns: [t.runId, t.batchNo] })],
);

/** One row while a run holds the database; a second run refuses to start. */
export const runLock = sqliteTable('run_lock', {
  id: integer('id').primaryKey(),
  runId: integer('run_id').notNull(),
  pid: integer('pid').notNull(),
  host: text('host').notNull(),
  acquiredAt: integer('acquired_at').notNull(),
});

/** Events whose address matched no lead: kept, not dropped, until a lead import resolves them. */
export const quarantinedEvents = sqliteTable(
  'quarantined_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    email: text('email').notNull(),
    type: text('type').notNull(),
    occurredAt: integer('occurred_at').notNull(),
    url: text('url').notNull().default(''),
    properties: text('properties').notNull().default('{}'),
    externalId: text('external_id'),
    dedupeKey: text('dedupe_key').notNull(),
    source: text('source').notNull().default(''),
    reason: text('reason').notNull(),
    recordedAt: integer('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('quarantined_events_dedupe').on(t.dedupeKey), index('quarantined_events_email').on(t.email)],
);

/** A lead's score each time it changed: explain shows how it moved and when the stage changed. */
export const scoreHistory = sqliteTable(
  'score_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id').notNull().references(() => leads.id),
    at: integer('at').notNull(),
    score: real('score').notNull(),
    fit: real('fit').notNull(),
    engagement: real('engagement').notNull(),
    stage: text('stage').notNull(),
    cause: text('cause').notNull().default(''),
  },
  (t) => [index('score_history_lead').on(t.leadId, t.at)],
);

/** Leads handed to sales (sales-ready), with the reason, for `nurture handoff`. */
export const handoffs = sqliteTable(
  'handoffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id').notNull().references(() => leads.id),
    at: integer('at').notNull(),
    reason: text('reason').notNull(),
    score: real('score').notNull(),
  },
  (t) => [uniqueIndex('handoffs_lead').on(t.leadId), index('handoffs_at').on(t.at)],
);

/** Every SMTP attempt with the server's reply: the record of what was tried, when, and what it said. */
export const deliveryAttempts = sqliteTable(
  'delivery_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sendId: integer('send_id'),
    confirmationId: integer('confirmation_id'),
    at: integer('at').notNull(),
    ok: integer('ok', { mode: 'boolean' }).notNull(),
    permanent: integer('permanent', { mode: 'boolean' }).notNull().default(false),
    response: text('response').notNull(),
    runId: integer('run_id'),
  },
  (t) => [index('delivery_attempts_send').on(t.sendId)],
);

/** Double opt-in: one confirmation email per pending lead, confirmed through a signed link. */
export const confirmations = sqliteTable(
  'confirmations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    leadId: integer('lead_id').notNull().references(() => leads.id),
    ref: text('ref').notNull(),
    status: text('status', { enum: ['planned', 'sending', 'sent', 'failed', 'confirmed', 'skipped'] }).notNull(),
    plannedAt: integer('planned_at').notNull(),
    sentAt: integer('sent_at'),
    confirmedAt: integer('confirmed_at'),
    attempts: integer('attempts').notNull().default(0),
    lastResponse: text('last_response'),
  },
  (t) => [uniqueIndex('confirmations_lead').on(t.leadId), uniqueIndex('confirmations_ref').on(t.ref)],
);

/** A decision an experiment reached (a winner, a variant a guardrail stopped): once reached, it stays. */
export const experimentDecisions = sqliteTable('experiment_decisions', {
  experiment: text('experiment').primaryKey(),
  outcome: text('outcome').notNull(),
  decidedAt: integer('decided_at').notNull(),
  /** Set when the winner was written into the sequence file (`experiments conclude`, or autoConclude). */
  concludedAt: integer('concluded_at'),
});
