import type { App } from '../app.js';
import { registerLinkRoutes } from './link-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { Router } from './router.js';
import { registerWebhookRoutes } from './webhook-routes.js';

/** Every route `nurture serve` answers: the email link endpoints, the webhook, and the review pages. */
export function createWebApp(app: App, options: { webhookSecret: string }): Router {
  const router = new Router();
  registerLinkRoutes(router, app);
  registerWebhookRoutes(router, app, options.webhookSecret);
  registerReviewRoutes(router, app);
  return router;
}
