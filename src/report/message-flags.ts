/**
 * What one message of a report's cohort earned, as one integer: a bit per kind of event it got
 * (opens and clicks by their class), so a message's flags are the OR of its events' bits — in SQL
 * the sum of the distinct bits (report-queries.ts), in the fold a plain `|`.
 */
export const OPENED_BY_MACHINE = 1;
export const OPENED_BY_PERSON = 2;
export const CLICKED_BY_MACHINE = 4;
export const CLICKED_BY_PERSON = 8;
export const UNSUBSCRIBED = 16;
export const COMPLAINED = 32;
/** A bounce event the provider did not call soft, or a message the relay refused. */
export const BOUNCED_HARD = 64;
/** A bounce event the provider called soft (transient): the message counts as a soft bounce. */
export const BOUNCED_SOFT = 128;

/** A click proves the message was opened, whoever opened it. */
export const ANY_OPEN = OPENED_BY_MACHINE | OPENED_BY_PERSON | CLICKED_BY_MACHINE | CLICKED_BY_PERSON;
export const PERSON_OPEN = OPENED_BY_PERSON | CLICKED_BY_PERSON;
export const ANY_CLICK = CLICKED_BY_MACHINE | CLICKED_BY_PERSON;
export const BOUNCED = BOUNCED_HARD | BOUNCED_SOFT;
