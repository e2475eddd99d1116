import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** A throwaway copy of the example workspace (nurture.yaml, sequences, templates) for one benchmark. */
export function benchWorkspace(prefix: string): string {
  const root = resolve(import.meta.dirname, '..');
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  cpSync(join(root, 'nurture.yaml'), join(dir, 'nurture.yaml'));
  for (const f of ['sequences', 'templates']) cpSync(join(root, f), join(dir, f), { recursive: true });
  return dir;
}
