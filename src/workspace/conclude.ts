import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isMap, isSeq, parseDocument, type YAMLMap } from 'yaml';
import type { Variant } from '../domain/experiments/types.js';

/** Where `experiments conclude` (and autoConclude) append who made which variant a step's content. */
export const AUDIT_LOG = '.nurture/experiments-audit.log';

export interface Conclusion {
  sequenceFile: string;
  sequenceId: string;
  stepId: string;
  variant: Variant;
  who: string;
  why: string;
  at: number;
}

/**
 * Makes a variant the step's content in its sequence file: its template (and subject) become the
 * step's, and `variants`, `experiment` and `mode` go. The file is edited through the yaml
 * Document API, so comments and the order of keys stay as the marketer wrote them. Then one JSON
 * line goes to the audit log: when, who, which experiment, which variant, and why.
 */
export function concludeInFile(workspaceDir: string, c: Conclusion): void {
  const path = join(workspaceDir, c.sequenceFile);
  const doc = parseDocument(readFileSync(path, 'utf8'));
  const steps = doc.get('steps', true);
  if (!isSeq(steps)) throw new Error(`${c.sequenceFile}: steps is not a list`);
  const step = steps.items.find((item): item is YAMLMap => isMap(item) && item.get('id') === c.stepId);
  if (!step) throw new Error(`${c.sequenceFile}: no step "${c.stepId}"`);
  if (c.variant.template) step.set('template', c.variant.template);
  if (c.variant.subject) step.set('subject', c.variant.subject);
  for (const key of ['variants', 'experiment', 'mode']) step.delete(key);
  // No re-wrapping of long lines, and flow lists as written (`[a, b]`): the diff is the step alone.
  writeFileSync(path, doc.toString({ lineWidth: 0, flowCollectionPadding: false }));
  const log = join(workspaceDir, AUDIT_LOG);
  mkdirSync(dirname(log), { recursive: true });
  const line = { at: new Date(c.at).toISOString(), who: c.who, experiment: `${c.sequenceId}/${c.stepId}`, variant: c.variant.id, template: c.variant.template ?? null, subject: c.variant.subject ?? null, why: c.why };
  appendFileSync(log, `${JSON.stringify(line)}\n`);
}
