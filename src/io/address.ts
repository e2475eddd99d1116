import { createRequire } from 'node:module';
import { domainToASCII, domainToUnicode } from 'node:url';
import validator from 'validator';

const require = createRequire(import.meta.url);
/** Role prefixes (info, sales, support, noreply…), from mixmax's maintained list. */
const ROLE_PREFIXES: ReadonlySet<string> = new Set(require('role-based-email-addresses') as string[]);

export interface Address {
  /** The stored form: local part lower-cased, the domain in Unicode (jose@ñandú.example), so its punycode spelling is the same lead. */
  email: string;
  /** info@, sales@, noreply@…: a mailbox of a team rather than a person. */
  role: boolean;
}

/**
 * Validates an address as mail systems do: the domain through IDNA (internationalised domains
 * are valid mail and go out punycoded, see mail/mime.ts), the whole through validator's isEmail
 * on the ASCII form, a Unicode local part allowed (it needs a relay with SMTPUTF8).
 */
export function parseAddress(text: string): Address | null {
  const value = text.trim();
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1) return null;
  const local = value.slice(0, at).toLowerCase();
  const ascii = domainToASCII(value.slice(at + 1).toLowerCase());
  if (!ascii) return null;
  if (!validator.isEmail(`${local}@${ascii}`, { allow_utf8_local_part: true, require_tld: true, allow_ip_domain: false }))
    return null;
  return { email: `${local}@${domainToUnicode(ascii)}`, role: ROLE_PREFIXES.has(local.replace(/\+.*$/, '')) };
}
