import { describe, expect, it } from 'vitest';
import { leadsWorkspaces } from './support.js';

/** `explain`, `leads show` and `run --dry-run` say why a lead gets no mail, from the planner's own decision. */

const AT = '2026-11-23T15:00:00Z';

describe('why nothing happens', () => {
  const ws = leadsWorkspaces();

  it('explain names the first reason for each lead', async () => {
    const w = await ws();
    const reasons: Record<string, unknown> = {};
    for (const lead of ['ana', 'ben', 'cara', 'dan', 'eve', 'fay']) {
      const email = `${lead}@${['eve', 'fay'].includes(lead) ? 'northwind' : lead === 'ana' ? 'brightstack' : 'quietco'}.example`;
      const result = await w.cli('explain', email, '--at', AT, '--json');
      expect(result.status).toBe(0);
      reasons[lead] = (JSON.parse(result.stdout) as { noMail: unknown }).noMail;
    }
    expect(reasons).toEqual({
      ana: null,
      ben: { cause: 'consent', reason: 'consent none; the policy requires confirmed', until: null },
      cara: { cause: 'unqualified', reason: 'unqualified: score -15, 15 point(s) below awareness (0)', until: null },
      dan: { cause: 'suppressed', reason: 'suppressed: unsubscribed 2026-11-10T04:00:00-05:00', until: null },
      eve: {
        cause: 'conversation',
        reason: 'in a conversation with sales (replied 2026-11-20T10:00:00-05:00): no new sequence until a closed_lost',
        until: null,
      },
      fay: {
        cause: 'cool-down',
        reason: 'cooling down until 2026-12-13T10:00:00-05:00 after closed_lost 2026-11-13T10:00:00-05:00, then recycle',
        until: '2026-12-13T10:00:00-05:00',
      },
    });
    const text = await w.cli('explain', 'ben@quietco.example', '--at', AT);
    expect(text.stdout).toContain('\nNo mail now: consent none; the policy requires confirmed\n');
    // The cool-down ends by itself: the forecast shows the recycle touch after it.
    const fay = JSON.parse((await w.cli('explain', 'fay@northwind.example', '--at', AT, '--json')).stdout) as {
      next: { sequence: string; at: string } | null;
    };
    expect(fay.next?.sequence).toBe('recycle');
  });

  it('run --dry-run totals the reasons for the base, in --json and in its summary', async () => {
    const w = await ws();
    const json = JSON.parse((await w.cli('run', '--at', AT, '--dry-run', '--json')).stdout) as {
      idle: Record<string, number>;
      counts: { idle: number; sent: number };
    };
    expect(json.idle).toEqual({ suppressed: 1, consent: 1, unqualified: 1, conversation: 1, 'cool-down': 1 });
    expect(json.counts).toMatchObject({ idle: 5, sent: 1 });
    const text = await w.cli('run', '--at', AT, '--dry-run');
    expect(text.stdout.split('\n')[1]).toBe(
      'No mail for 5 lead(s): 1 suppressed, 1 consent below the policy, 1 unqualified, 1 in a conversation with sales, 1 cooling down',
    );
  });

  it('a paused sequence holds the leads it would take, and says so', async () => {
    const w = await ws();
    w.edit('sequences/new-signups.yaml', /^priority: 10$/m, 'priority: 10\npaused: true');
    const json = JSON.parse((await w.cli('run', '--at', AT, '--dry-run', '--json')).stdout) as { idle: Record<string, number>; sent: unknown[] };
    expect(json.sent).toEqual([]);
    expect(json.idle['sequence-paused']).toBe(1);
    const ana = JSON.parse((await w.cli('leads', 'show', 'ana@brightstack.example', '--json')).stdout) as { noMail: unknown };
    expect(ana.noMail).toEqual({
      cause: 'sequence-paused',
      reason: 'sequence new-signups is paused (paused: true in its file): its leads wait',
      until: null,
    });
  });
});
