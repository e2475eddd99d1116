import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceSecret } from '../../app.js';
import { type CliIo, UserError } from '../io.js';

/** The example workspace shipped at the top of the package (src/cli/commands → ../../..). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/**
 * What never belongs in git: the database and the keys beside it (.nurture/: the link secret, the
 * webhook secret, a DKIM key kept there), the file mailer's outbox (real recipients' mail), and
 * installed packages.
 */
export const GITIGNORE = `# Nurture: secrets, the database and sent mail stay out of git
.nurture/
outbox/
node_modules/
*.db
*.db-wal
*.db-shm
.env
`;

export function initCommand(io: CliIo, dir: string | undefined): number {
  const target = resolve(io.cwd, dir ?? '.');
  if (existsSync(join(target, 'nurture.yaml')))
    throw new UserError(`${join(target, 'nurture.yaml')} already exists: not overwriting a workspace`);
  mkdirSync(target, { recursive: true });
  cpSync(join(PACKAGE_ROOT, 'nurture.yaml'), join(target, 'nurture.yaml'));
  for (const folder of ['sequences', 'templates', 'examples']) {
    cpSync(join(PACKAGE_ROOT, folder), join(target, folder), { recursive: true, errorOnExist: false });
  }
  // Written only when there is none: a workspace inside an existing repository keeps its own.
  if (!existsSync(join(target, '.gitignore'))) writeFileSync(join(target, '.gitignore'), GITIGNORE);
  workspaceSecret(target, {});
  io.stdout(`Created a Nurture workspace in ${target}
  nurture.yaml        sender, consent, caps, send window, scoring
  sequences/          ${'new-signups, evaluators, recycle'}
  templates/          one email per file, plus layouts/ and partials/
  examples/           sample leads.csv and events.csv
  .nurture/secret     the key that signs unsubscribe and tracking links (kept out of git by .gitignore)
Next: edit nurture.yaml (sender and postal address), then
  nurture lint && nurture leads import examples/leads.csv && nurture run --dry-run`);
  return 0;
}
