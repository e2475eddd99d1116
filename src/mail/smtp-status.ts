/**
 * What an SMTP outcome means for a touch, decided from what the client saw: the command that
 * failed, the reply code and its RFC 3463 enhanced status code (`5.1.1`), or the error of a
 * connection that never got a reply. Pure: no I/O, no clock.
 *
 * Whose fault it is decides what happens next:
 * - `transport`: our side — the relay is down or unreachable, refuses our login or our sender,
 *   TLS failed, DNS failed, it closes with 421. Retrying message by message cannot help and must
 *   not count against any lead: the run stops sending and every touch stays planned.
 * - `soft`: a temporary refusal of this recipient or message (4xx after RCPT TO or DATA): backed
 *   off across runs, given up as a soft bounce only after `delivery.softBounceAfter`.
 * - `hard-bounce`: the address does not exist (5.1.x, or a bare 550/551/553 to RCPT TO): the lead
 *   is suppressed for good.
 * - `policy`: a security or policy rejection (5.7.x): recorded, the lead is not suppressed.
 * - `rejected`: any other permanent refusal of this message (content, size, mailbox full…):
 *   recorded, the lead is not suppressed.
 */
export type FailureKind = 'transport' | 'soft' | 'hard-bounce' | 'policy' | 'rejected';

export interface SmtpFailure {
  /** nodemailer's error code (ECONNECTION, ETLS, EAUTH, EENVELOPE, EMESSAGE, …). */
  code?: string;
  /** The SMTP command that got the reply (CONN, EHLO, STARTTLS, AUTH PLAIN, MAIL FROM, RCPT TO, DATA). */
  command?: string;
  responseCode?: number;
  /** The server's reply line(s), when there was one. */
  response?: string;
  /** The error message, when there was no reply (a refused connection, a TLS handshake, DNS). */
  message?: string;
}

export interface Classified {
  kind: FailureKind;
  /** In a few words, for people: "relay refused our login", "mailbox does not exist". */
  cause: string;
}

/** The enhanced status code of a reply (`550 5.1.1 …` → `5.1.1`), if it carries one. */
export function enhancedStatus(response: string | undefined): { klass: number; subject: number; detail: number; text: string } | undefined {
  const match = /^\d{3}[ -]([245])\.(\d{1,3})\.(\d{1,3})\b/.exec(response ?? '');
  if (!match) return undefined;
  return { klass: Number(match[1]), subject: Number(match[2]), detail: Number(match[3]), text: `${match[1]}.${match[2]}.${match[3]}` };
}

const SESSION_COMMANDS = /^(CONN|EHLO|HELO|LHLO|STARTTLS|RSET|API)$/;

export function classifySmtpFailure(f: SmtpFailure): Classified {
  const command = f.command ?? '';
  const code = f.responseCode;
  const status = enhancedStatus(f.response);
  if (code === 530 && /TLS/i.test(f.response ?? '')) return { kind: 'transport', cause: 'relay requires TLS' };
  if (f.code === 'EAUTH' || command.startsWith('AUTH') || code === 530 || code === 535 || code === 534 || code === 538)
    return { kind: 'transport', cause: 'relay refused our login' };
  if (code === 421) return { kind: 'transport', cause: 'relay is not taking mail now (421)' };
  if (command === 'MAIL FROM') {
    // A message too large for the relay is this message's problem, not the relay's.
    if (f.code === 'EMESSAGE') return { kind: 'rejected', cause: 'message too large for the relay' };
    return { kind: 'transport', cause: 'relay refused our sender' };
  }
  if (command === 'RCPT TO' || command === 'DATA') {
    if (code === undefined) return connectionFault(f);
    if (code >= 400 && code < 500) return { kind: 'soft', cause: 'temporary failure' };
    if (code >= 500 && code < 600) return permanent(command, code, status);
  }
  if (f.code === 'EENVELOPE' && code === undefined && command === 'API') return { kind: 'hard-bounce', cause: 'not a valid address' };
  if (f.code === 'EMESSAGE' && code === undefined && command === 'API') return { kind: 'rejected', cause: 'message could not be sent as composed' };
  if (SESSION_COMMANDS.test(command) || code === undefined) return connectionFault(f);
  // A reply to something else (a command nodemailer may add later): our side unless it is a 4xx/5xx about the recipient.
  return { kind: 'transport', cause: `relay refused ${command || 'the session'}` };
}

function permanent(command: string, code: number, status: ReturnType<typeof enhancedStatus>): Classified {
  if (status) {
    // 5.1.7 / 5.1.8: our sender address is bad — ours to fix, not the lead's.
    if (status.subject === 1 && (status.detail === 7 || status.detail === 8)) return { kind: 'transport', cause: 'relay refused our sender' };
    if (status.subject === 1) return { kind: 'hard-bounce', cause: 'mailbox does not exist' };
    if (status.subject === 7) return { kind: 'policy', cause: 'refused by policy' };
    if (status.subject === 6) return { kind: 'rejected', cause: 'content refused' };
    return { kind: 'rejected', cause: 'refused for good' };
  }
  // No enhanced code: a recipient refused with "mailbox unavailable / not local / name not allowed".
  if (command === 'RCPT TO' && (code === 550 || code === 551 || code === 553)) return { kind: 'hard-bounce', cause: 'mailbox does not exist' };
  return { kind: 'rejected', cause: 'refused for good' };
}

/** No SMTP reply, or a broken session: the connection, TLS or DNS — our side. */
function connectionFault(f: SmtpFailure): Classified {
  const text = `${f.message ?? ''} ${f.response ?? ''}`;
  if (f.code === 'ETLS' || f.command === 'STARTTLS' || /certificate|TLS|SSL/i.test(text)) return { kind: 'transport', cause: 'TLS with the relay failed' };
  if (f.code === 'EDNS' || /ENOTFOUND|EAI_AGAIN/.test(text)) return { kind: 'transport', cause: 'relay host not found (DNS)' };
  if (/ECONNREFUSED/.test(text)) return { kind: 'transport', cause: 'relay refused the connection' };
  if (f.code === 'ETIMEDOUT' || /timed? ?out/i.test(text)) return { kind: 'transport', cause: 'relay did not answer in time' };
  if (f.code === 'EPROTOCOL') return { kind: 'transport', cause: 'relay answered out of protocol' };
  return { kind: 'transport', cause: 'connection to the relay was lost' };
}
