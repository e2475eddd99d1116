import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace } from '../bad-input/support.js';

const BREAKAGES: [name: string, from: string, to: string][] = [
  ['an invalid pattern', '"\\\\b(director|head of|vp|vice president)\\\\b"', '"\\\\b(director|vp"'],
  ['an unknown field', 'id: cold-industry, field: industry', 'id: cold-industry, field: sector'],
  ['an unknown key in a rule', 'id: webinar, event: webinar_attended, points: 15', 'id: webinar, event: webinar_attended, pionts: 15'],
  ['an unknown event type', 'event: content_downloaded', 'event: content_download'],
  ['an engagement rule without an event', 'id: form, event: form_submitted,', 'id: form,'],
  ['a cap of the wrong sign', 'points: -15, max: -30', 'points: -15, max: 30'],
  ['a duplicate rule id', 'id: download,', 'id: webinar,'],
  ['a streak rule with an event', 'unopenedStreak: 3,', 'unopenedStreak: 3, event: email_opened,'],
  ['stage thresholds out of order', 'desire: 45', 'desire: 15'],
];

describe('scoring rules in nurture.yaml: every error names the line, the field and the rule', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it.each(BREAKAGES)('%s', async (_name, from, to) => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    const before = ws.read('nurture.yaml');
    const line = before.slice(0, before.indexOf(from)).split('\n').length;
    ws.edit('nurture.yaml', from, to);
    const result = await ws.cli('lint');
    expect(result.status).toBe(1);
    const errors = result.stderr.split('\n').filter((l) => l.startsWith('nurture.yaml'));
    // Each error points at the line that was broken; the rest of the text is pinned below.
    for (const e of errors) expect(e).toMatch(new RegExp(`^nurture\\.yaml:${line}: `));
    expect(errors.map((e) => e.replace(/^nurture\.yaml:\d+: /, ''))).toMatchSnapshot();
  });
});
