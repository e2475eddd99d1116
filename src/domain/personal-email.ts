import { createRequire } from 'node:module';

// The `email-providers` package keeps a maintained list of ~8,700 free and consumer mail domains
// (gmail.com, hotmail.com, proton.me, …). We only read it; the list is its maintainers' job.
const require = createRequire(import.meta.url);
const PERSONAL_DOMAINS: ReadonlySet<string> = new Set(require('email-providers/all.json') as string[]);

export function emailDomain(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

/** True when the address is at a free/consumer provider rather than a company domain. */
export function isPersonalEmail(email: string): boolean {
  return PERSONAL_DOMAINS.has(emailDomain(email));
}
