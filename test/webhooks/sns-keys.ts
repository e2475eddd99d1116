import { execFileSync } from 'node:child_process';
import { sign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SNS_HOST = 'sns.us-east-1.amazonaws.com';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:ses-bounces';

/** A self-signed certificate for SNS's host, made by openssl: it signs the test's SNS messages and serves its HTTPS. */
export function snsCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'nurture-sns-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
      '-subj', `/CN=${SNS_HOST}`, '-addext', `subjectAltName=DNS:${SNS_HOST}`,
    ], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type SnsFields = Record<string, string>;

/** The string SNS signs, written out here from AWS's documentation (not taken from the code under test). */
function canonical(m: SnsFields): string {
  const names =
    m.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return names.filter((n) => m[n] !== undefined).map((n) => `${n}\n${m[n]}\n`).join('');
}

/** An SNS HTTP message in the documented shape, signed (SignatureVersion 1: SHA1withRSA, 2: SHA256withRSA). */
export function snsMessage(fields: SnsFields, key: string, version: '1' | '2' = '1'): SnsFields {
  const m: SnsFields = {
    MessageId: 'b1a2c3d4-0000-4000-8000-000000000001',
    TopicArn: TOPIC,
    Timestamp: '2026-11-24T15:41:00.000Z',
    SignatureVersion: version,
    SigningCertURL: `https://${SNS_HOST}/SimpleNotificationService-0000000000000000000000.pem`,
    ...fields,
  };
  m.Signature = sign(version === '2' ? 'sha256' : 'sha1', Buffer.from(canonical(m)), key).toString('base64');
  return m;
}

/** An SES notification (the Message of an SNS notification) as AWS documents it. */
export function sesBounce(bounceType: 'Permanent' | 'Transient', recipients: string[], messageId: string, feedbackId: string): string {
  return JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: recipients.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: bounceType === 'Permanent' ? '5.1.1' : '4.2.2',
        diagnosticCode: bounceType === 'Permanent' ? 'smtp; 550 5.1.1 user unknown' : 'smtp; 452 4.2.2 mailbox full',
      })),
      timestamp: '2026-11-24T15:40:00.000Z',
      feedbackId,
      remoteMtaIp: '192.0.2.10',
      reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
    },
    mail: {
      timestamp: '2026-11-24T15:00:01.000Z',
      source: 'maya@tidewater.example',
      sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/tidewater.example',
      sendingAccountId: '123456789012',
      messageId: '0100017f-ses-message-id-000000',
      destination: recipients,
      headersTruncated: false,
      commonHeaders: { from: ['Maya Chen <maya@tidewater.example>'], to: recipients, messageId, subject: 'Hello' },
    },
  });
}

export function sesComplaint(recipients: string[], messageId: string, feedbackId: string): string {
  return JSON.stringify({
    notificationType: 'Complaint',
    complaint: {
      userAgent: 'ExampleCorp Feedback Loop (V0.01)',
      complainedRecipients: recipients.map((emailAddress) => ({ emailAddress })),
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-11-24T15:39:00.000Z',
      timestamp: '2026-11-24T15:39:30.000Z',
      feedbackId,
    },
    mail: { timestamp: '2026-11-24T15:00:01.000Z', source: 'maya@tidewater.example', messageId: '0100017f-ses-2', destination: recipients, commonHeaders: { messageId } },
  });
}
