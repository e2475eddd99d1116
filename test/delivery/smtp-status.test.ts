import { describe, expect, it } from 'vitest';
import { afterFailure } from '../../src/mail/retry.js';
import { classifySmtpFailure, enhancedStatus, type SmtpFailure } from '../../src/mail/smtp-status.js';

const reply = (command: string, response: string, code = 'EENVELOPE'): SmtpFailure => ({
  code,
  command,
  response,
  responseCode: Number(response.slice(0, 3)),
});

describe('classifySmtpFailure', () => {
  it.each<[string, SmtpFailure, string, string]>([
    ['535 to AUTH', reply('AUTH PLAIN', '535 5.7.8 Authentication credentials invalid', 'EAUTH'), 'transport', 'relay refused our login'],
    ['530 to MAIL FROM (auth required)', reply('MAIL FROM', '530 5.7.0 Authentication required'), 'transport', 'relay refused our login'],
    ['530 to MAIL FROM (STARTTLS required)', reply('MAIL FROM', '530 5.7.0 Must issue a STARTTLS command first'), 'transport', 'relay requires TLS'],
    ['EAUTH without a reply (no credentials)', { code: 'EAUTH', command: 'API', message: 'Missing credentials for "PLAIN"' }, 'transport', 'relay refused our login'],
    ['421 at greeting', { code: 'EPROTOCOL', command: 'CONN', response: '421 4.3.2 Service shutting down', responseCode: 421 }, 'transport', 'relay is not taking mail now (421)'],
    ['421 to RCPT TO', reply('RCPT TO', '421 4.7.0 Too many errors, closing'), 'transport', 'relay is not taking mail now (421)'],
    ['550 to MAIL FROM', reply('MAIL FROM', '550 5.7.1 sender not allowed'), 'transport', 'relay refused our sender'],
    ['451 to MAIL FROM', reply('MAIL FROM', '451 4.3.0 try later'), 'transport', 'relay refused our sender'],
    ['connection refused', { code: 'ECONNECTION', command: 'CONN', message: 'connect ECONNREFUSED 127.0.0.1:2525' }, 'transport', 'relay refused the connection'],
    ['connect timeout', { code: 'ETIMEDOUT', command: 'CONN', message: 'Connection timeout' }, 'transport', 'relay did not answer in time'],
    ['TLS handshake', { code: 'ETLS', command: 'CONN', message: 'self-signed certificate' }, 'transport', 'TLS with the relay failed'],
    ['STARTTLS refused', { code: 'ETLS', command: 'STARTTLS', response: '454 4.7.0 TLS not available', responseCode: 454 }, 'transport', 'TLS with the relay failed'],
    ['DNS', { code: 'EDNS', command: 'CONN', message: 'getaddrinfo ENOTFOUND relay.invalid' }, 'transport', 'relay host not found (DNS)'],
    ['dropped mid-DATA', { code: 'ECONNECTION', command: 'CONN', message: 'Connection closed unexpectedly' }, 'transport', 'connection to the relay was lost'],
    ['450 to RCPT TO', reply('RCPT TO', '450 4.2.1 mailbox busy'), 'soft', 'temporary failure'],
    ['452 to DATA', reply('DATA', '452 4.3.1 insufficient storage', 'EMESSAGE'), 'soft', 'temporary failure'],
    ['550 5.1.1 to RCPT TO', reply('RCPT TO', '550 5.1.1 user unknown'), 'hard-bounce', 'mailbox does not exist'],
    ['550 5.1.1 to DATA', reply('DATA', '550 5.1.1 mailbox unavailable', 'EMESSAGE'), 'hard-bounce', 'mailbox does not exist'],
    ['bare 550 to RCPT TO', reply('RCPT TO', '550 recipient rejected'), 'hard-bounce', 'mailbox does not exist'],
    ['550 5.7.1 to RCPT TO', reply('RCPT TO', '550 5.7.1 blocked by policy'), 'policy', 'refused by policy'],
    ['554 5.7.1 to DATA', reply('DATA', '554 5.7.1 message content rejected', 'EMESSAGE'), 'policy', 'refused by policy'],
    ['552 5.2.2 mailbox full', reply('RCPT TO', '552 5.2.2 mailbox full'), 'rejected', 'refused for good'],
    ['554 5.6.0 content', reply('DATA', '554 5.6.0 bad content', 'EMESSAGE'), 'rejected', 'content refused'],
    ['550 5.1.8 bad sender domain', reply('RCPT TO', '550 5.1.8 sender domain does not exist'), 'transport', 'relay refused our sender'],
    ['bare 554 to DATA', reply('DATA', '554 transaction failed', 'EMESSAGE'), 'rejected', 'refused for good'],
  ])('%s', (_name, failure, kind, cause) => {
    expect(classifySmtpFailure(failure)).toEqual({ kind, cause });
  });

  it('reads RFC 3463 enhanced status codes, and only at the start of a reply', () => {
    expect(enhancedStatus('550 5.1.1 user unknown')).toMatchObject({ klass: 5, subject: 1, detail: 1, text: '5.1.1' });
    expect(enhancedStatus('250-4.7.12 x')).toMatchObject({ text: '4.7.12' });
    expect(enhancedStatus('550 user 5.1.1 unknown')).toBeUndefined();
    expect(enhancedStatus(undefined)).toBeUndefined();
  });
});

describe('afterFailure', () => {
  const HOUR = 3_600_000;
  const P3D = { text: 'P3D', ms: 72 * HOUR };
  const base = { response: '450 4.2.1 busy', attempts: 1, firstFailedAt: 0, softBounceAfter: P3D };

  it('backs a soft failure off (15 min, doubling, capped at a day) and never past the deadline', () => {
    expect(afterFailure({ ...base, kind: 'soft', now: 0 })).toMatchObject({ status: 'failed', retryAt: 15 * 60_000, report: 'will retry: 450 4.2.1 busy' });
    expect(afterFailure({ ...base, kind: 'soft', attempts: 4, now: 5 * HOUR }).retryAt).toBe(5 * HOUR + 2 * HOUR);
    expect(afterFailure({ ...base, kind: 'soft', attempts: 12, now: 10 * HOUR }).retryAt).toBe(34 * HOUR);
    expect(afterFailure({ ...base, kind: 'soft', attempts: 12, now: 60 * HOUR }).retryAt, 'the last retry at the deadline').toBe(72 * HOUR);
  });

  it('gives a soft failure up as a soft bounce once softBounceAfter has passed since the first one, without suppressing', () => {
    expect(afterFailure({ ...base, kind: 'soft', attempts: 14, now: 72 * HOUR })).toEqual({
      status: 'skipped',
      reason: 'soft bounce: gave up after P3D of temporary failures',
      report: 'soft bounce: given up after P3D and 14 attempts; last reply: 450 4.2.1 busy',
      retryAt: 72 * HOUR,
      suppress: false,
    });
  });

  it('suppresses on a hard bounce only; a policy refusal is final but keeps the lead', () => {
    expect(afterFailure({ ...base, kind: 'hard-bounce', response: '550 5.1.1 x', now: 0 })).toMatchObject({ status: 'skipped', suppress: true, report: 'hard bounce: 550 5.1.1 x' });
    expect(afterFailure({ ...base, kind: 'policy', response: '550 5.7.1 x', now: 0 })).toMatchObject({
      status: 'skipped',
      suppress: false,
      reason: 'refused by policy (lead not suppressed)',
    });
    expect(afterFailure({ ...base, kind: 'rejected', response: '552 5.2.2 x', now: 0 })).toMatchObject({ status: 'skipped', suppress: false });
  });
});
