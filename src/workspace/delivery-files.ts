import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { type DkimSettings, dkimKeyProblem } from '../mail/dkim.js';
import type { TlsOptions } from '../mail/transport.js';
import type { WorkspaceProblem } from './errors.js';
import type { LintWarning } from './lint.js';
import { CONFIG_FILE, type Workspace } from './load.js';

/** What delivery reads besides nurture.yaml: the relay's trusted authorities and the DKIM key. */
export interface DeliveryFiles {
  tls: TlsOptions;
  dkim?: DkimSettings;
}

function readPem(workspace: Workspace, field: string, path: string, problems: WorkspaceProblem[]): string | undefined {
  const full = isAbsolute(path) ? path : join(workspace.dir, path);
  try {
    return readFileSync(full, 'utf8');
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    problems.push({ file: CONFIG_FILE, field, message: `${JSON.stringify(path)} cannot be read (${why})` });
    return undefined;
  }
}

/** Reads and checks the files `delivery.tlsCa` and `dkim.privateKey` name; every problem is listed. */
export function readDeliveryFiles(workspace: Workspace): { files: DeliveryFiles; problems: WorkspaceProblem[] } {
  const problems: WorkspaceProblem[] = [];
  const { delivery, dkim } = workspace.config;
  const ca = delivery.tlsCa ? readPem(workspace, 'delivery.tlsCa', delivery.tlsCa, problems) : undefined;
  if (ca !== undefined && !ca.includes('-----BEGIN CERTIFICATE-----'))
    problems.push({ file: CONFIG_FILE, field: 'delivery.tlsCa', message: `${JSON.stringify(delivery.tlsCa)} holds no PEM certificate` });
  const files: DeliveryFiles = { tls: { require: delivery.requireTLS, ...(ca ? { ca } : {}) } };
  if (dkim) {
    const pem = readPem(workspace, 'dkim.privateKey', dkim.privateKey, problems);
    if (pem !== undefined) {
      const key = dkimKeyProblem(pem);
      if ('problem' in key) problems.push({ file: CONFIG_FILE, field: 'dkim.privateKey', message: `${JSON.stringify(dkim.privateKey)}: ${key.problem}` });
      else files.dkim = { domain: dkim.domain.toLowerCase(), selector: dkim.selector, privateKeyPem: pem };
    }
  }
  return { files, problems };
}

const isLoopbackUrl = (url: string) => {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
};

/**
 * Advice on delivery settings that load but will hurt: a DKIM domain the From address does not
 * align with (DMARC fails), a password written in nurture.yaml (it ends up in git), and links to a
 * loopback address in mail that goes to real recipients (every unsubscribe link dead).
 */
export function deliveryWarnings(workspace: Workspace, env: Record<string, string | undefined>): LintWarning[] {
  const out: LintWarning[] = [];
  const { config } = workspace;
  const senderDomain = config.sender.email.slice(config.sender.email.lastIndexOf('@') + 1).toLowerCase();
  if (config.dkim) {
    const d = config.dkim.domain.toLowerCase();
    if (senderDomain !== d && !senderDomain.endsWith(`.${d}`))
      out.push({
        file: CONFIG_FILE,
        message: `dkim.domain ${d} does not match the sender's domain ${senderDomain}: DMARC needs the signing domain to be the From domain or a parent of it`,
      });
  }
  for (const field of ['smtp', 'database'] as const) {
    const value = config[field];
    if (/^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i.test(value))
      out.push({
        file: CONFIG_FILE,
        message: `${field}: the URL carries a password; nurture.yaml is meant for git: set ${field === 'smtp' ? 'NURTURE_SMTP_URL' : 'NURTURE_DATABASE_URL'} in the environment instead`,
      });
  }
  const mailer = env.NURTURE_SMTP_URL ?? config.smtp;
  if (!mailer.startsWith('file:') && isLoopbackUrl(config.baseUrl))
    out.push({
      file: CONFIG_FILE,
      message: `baseUrl ${config.baseUrl} is this machine's loopback, but mail goes out through ${mailer.replace(/\/\/[^@/]*@/, '//***@')}: every unsubscribe and tracking link will be dead for recipients (set baseUrl to the public address of nurture serve)`,
    });
  return out;
}
