import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, TestClock } from '../../src/time/clock.js';
import { checkReviewBase } from '../../src/web/diff-base.js';
import { ReviewLogin } from '../../src/web/login/review-login.js';

describe('review sessions and tokens', () => {
  it('keeps a session alive while it is used, and ends it after 12 idle hours or 7 days in all', () => {
    const clock = new TestClock(Date.parse('2026-11-23T09:00:00Z'));
    const login = new ReviewLogin({ clock });
    const { id, session } = login.startSession();
    expect(session.csrf).toMatch(/^[\w-]{43}$/);
    expect(session.csrf).not.toBe(id);
    // A request every eleven hours keeps it alive…
    while (clock.now() + 11 * HOUR_MS < session.createdAt + 7 * DAY_MS) {
      clock.advance(11 * HOUR_MS);
      expect(login.session(id), new Date(clock.now()).toISOString()).toBe(session);
    }
    // …but a week after the login it ends all the same.
    clock.set(session.createdAt + 7 * DAY_MS);
    expect(login.session(id)).toBeUndefined();

    const idle = login.startSession();
    clock.advance(12 * HOUR_MS - 1);
    expect(login.session(idle.id)).toBeDefined();
    clock.advance(12 * HOUR_MS);
    expect(login.session(idle.id)).toBeUndefined();
    expect(login.session(idle.id)).toBeUndefined(); // and it stays gone
  });

  it('takes each token once, hands the next one out, and keeps at most 20 unused', () => {
    const clock = new TestClock(0);
    const handed: string[] = [];
    const login = new ReviewLogin({ clock, onTokenUsed: (t) => handed.push(t) });
    const first = login.newToken();
    expect(login.useToken(first)).toBe(true);
    expect(login.useToken(first)).toBe(false);
    expect(handed).toHaveLength(1);
    expect(login.useToken(handed[0]!)).toBe(true);
    const oldest = login.newToken();
    for (let i = 0; i < 20; i++) login.newToken();
    expect(login.useToken(oldest)).toBe(false);
  });

  it('ends a logged-out session at once', () => {
    const login = new ReviewLogin({ clock: new TestClock(0) });
    const { id } = login.startSession();
    login.endSession(id);
    expect(login.session(id)).toBeUndefined();
  });
});

describe('which plan diff bases the review pages accept', () => {
  let root: string;
  let ws: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nurture-diff-base-'));
    ws = join(root, 'repo', 'workspace');
    mkdirSync(join(ws, 'old'), { recursive: true });
    mkdirSync(join(root, 'outside'));
    symlinkSync(join(root, 'outside'), join(ws, 'escape'));
    const git = (...args: string[]) => execFileSync('git', ['-C', join(root, 'repo'), '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'one');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    git('tag', 'v1.2');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('accepts directories inside the workspace and ref names of its repository', () => {
    expect(checkReviewBase(ws, 'old')).toEqual({ ok: true, base: join(ws, 'old') });
    expect(checkReviewBase(ws, join(ws, 'old'))).toEqual({ ok: true, base: join(ws, 'old') });
    expect(checkReviewBase(ws, '.')).toEqual({ ok: true, base: ws });
    for (const ref of ['main', 'v1.2', 'HEAD', 'HEAD~1', 'HEAD^', 'main~1^0', execFileSync('git', ['-C', ws, 'rev-parse', 'HEAD']).toString().trim()])
      expect(checkReviewBase(ws, ref), ref).toEqual({ ok: true, base: ref });
  });

  it('refuses what lies outside, options, ranges and reflog expressions, saying what is allowed', () => {
    const outside = (base: string) =>
      `base "${base}" is outside the workspace: the review pages compare only with a directory inside it or a git ref of its repository (e.g. HEAD~1)`;
    const notRef = (base: string) => `base "${base}" is neither a directory inside the workspace nor a git ref name (e.g. main, v1.2, HEAD~1)`;
    expect(checkReviewBase(ws, '../../etc')).toEqual({ ok: false, message: outside('../../etc') });
    expect(checkReviewBase(ws, '..')).toEqual({ ok: false, message: outside('..') });
    expect(checkReviewBase(ws, join(root, 'outside'))).toEqual({ ok: false, message: outside(join(root, 'outside')) });
    expect(checkReviewBase(ws, 'escape')).toEqual({ ok: false, message: outside('escape') });
    for (const bad of ['--output=/tmp/x', '-h', 'HEAD..main', 'main...HEAD', 'HEAD@{1}', 'main@{yesterday}', 'HEAD:nurture.yaml', 'a b', 'x.lock', 'a//b'])
      expect(checkReviewBase(ws, bad), bad).toEqual({ ok: false, message: notRef(bad) });
    expect(checkReviewBase(ws, 'nope')).toEqual({
      ok: false,
      message: 'base "nope" is neither a directory nor a git ref of the repository holding the workspace',
    });
  });
});
