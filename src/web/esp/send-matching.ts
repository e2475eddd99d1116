import { type App, isPgApp, type PgApp } from '../../app.js';
import { SendMatcher } from '../../db/send-match.js';
import { PgSendMatcher } from '../../store/pg/send-match.js';
import type { SendMatching } from '../../store/send-match-types.js';

/** The send matcher of whichever database the app opened (SQLite's statements resolved at once). */
export function sendMatchingOf(app: App | PgApp): SendMatching {
  if (isPgApp(app)) return new PgSendMatcher(app.store.pool);
  const matcher = new SendMatcher(app.conn.sqlite);
  return {
    byRef: (ref) => Promise.resolve(matcher.byRef(ref)),
    latestSentTo: (email, at) => Promise.resolve(matcher.latestSentTo(email, at)),
  };
}
