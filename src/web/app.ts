import type { App, PgApp } from '../app.js';
import { registerEspRoutes } from './esp/routes.js';
import { httpsConfirmer } from './esp/sns-confirm.js';
import type { EspSettings, SubscriptionConfirmer } from './esp/types.js';
import { loginGate } from './login/gate.js';
import { registerLoginRoutes } from './login/login-routes.js';
import { ReviewLogin } from './login/review-login.js';
import { registerLinkRoutes } from './link-routes.js';
import { registerReportRoutes } from './report-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { Router } from './router.js';
import { securityHeaders } from './security-headers.js';
import { registerWebhookRoutes } from './webhook-routes.js';

export interface WebOptions {
  webhookSecret: string;
  /** Who may see the review pages; without one, nobody can log in (every review URL stays closed). */
  login?: ReviewLogin;
  /** The ESP webhooks configured in nurture.yaml (each under /webhooks/<provider>, public). */
  esp?: EspSettings;
  log?: (line: string) => void;
  confirmSubscription?: SubscriptionConfirmer;
}

/**
 * Every route `nurture serve` answers: the email link endpoints, the webhooks, the login, and the
 * review pages. The gate closes every route but the public list (login/public-paths.ts), so a
 * route added here later is private unless listed there.
 */
export function createWebApp(app: App | PgApp, options: WebOptions): Router {
  const router = new Router();
  const login = options.login ?? new ReviewLogin({ clock: app.clock });
  router.use(securityHeaders);
  router.use(loginGate(login, [app.workspace.config.baseUrl]));
  registerLinkRoutes(router, app);
  registerWebhookRoutes(router, app, options.webhookSecret);
  registerEspRoutes(router, app, {
    settings: options.esp ?? {},
    log: options.log ?? ((line) => console.error(line)),
    confirmSubscription: options.confirmSubscription ?? httpsConfirmer(),
  });
  registerLoginRoutes(router, login);
  registerReviewRoutes(router, app);
  registerReportRoutes(router, app);
  return router;
}
