import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workspaceSecret } from '../../app.js';
import { type CliIo, UserError } from '../io.js';

/** The example workspace shipped at the top of the package (src/cli/commands → ../../..). */
export const PACKAGE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function initCommand(io: CliIo, dir: string | undefined): number {
  const target = resolve(io.cwd, dir ?? '.');
  if (existsSync(join(target, 'nurture.yaml')))
    throw new UserError(`${join(target, 'nurture.yaml')} already exists: not overwriting a workspace`);
  mkdirSync(target, { recursive: true });
  cpSync(join(PACKAGE_ROOT, 'nurture.yaml'), join(target, 'nurture.yaml'));
  for (const folder of ['sequences', 'templates', 'examples']) {
    cpSync(join(PACKAGE_ROOT, folder), join(target, folder), { recursive: true, errorOnExist: false });
  }
  workspaceSecret(target, {});
  io.stdout(`Created a Nurture workspace in ${target}
  nurture.yaml        sender, consent, caps, send window, scoring
  sequences/          ${'new-signups, evaluators, recycle'}
  templates/          one email per file, plus layouts/ and partials/
  examples/           sample leads.csv and events.csv
  .nurture/secret     the key that signs unsubscribe and tracking links (keep it out of git)
Next: edit nurture.yaml (sender and postal address), then
  nurture lint && nurture leads import examples/leads.csv && nurture run --dry-run`);
  return 0;
}
