import type { App } from '../app.js';
import { registerEspRoutes } from './esp/routes.js';
import { httpsConfirmer } from './esp/sns-confirm.js';
import type { EspSettings, SubscriptionConfirmer } from './esp/types.js';
import { registerLinkRoutes } from './link-routes.js';
import { registerReviewRoutes } from './review-routes.js';
import { Router } from './router.js';
import { registerWebhookRoutes } from './webhook-routes.js';

/** Every route `nurture serve` answers: the email link endpoints, the webhook, and the review pages. */
export function createWebApp(
  app: App,
  options: { webhookSecret: string; esp?: EspSettings; log?: (line: string) => void; confirmSubscription?: SubscriptionConfirmer },
): Router {
  const router = new Router();
  registerLinkRoutes(router, app);
  registerWebhookRoutes(router, app, options.webhookSecret);
  registerEspRoutes(router, app, {
    settings: options.esp ?? {},
    log: options.log ?? ((line) => console.error(line)),
    confirmSubscription: options.confirmSubscription ?? httpsConfirmer(),
  });
  registerReviewRoutes(router, app);
  return router;
}
