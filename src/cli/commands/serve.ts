import { once } from 'node:events';
import { webhookSecret } from '../../app.js';
import { createWebApp } from '../../web/app.js';
import { EspSettingsError, resolveEspSettings } from '../../web/esp/settings.js';
import { serve } from '../../web/server.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { parsePositiveInt } from '../time-options.js';

/** `nurture serve`: the link endpoints, the webhook and the review pages, on 127.0.0.1 unless told otherwise. */
export async function serveCommand(io: CliIo, globals: GlobalOptions, options: { host?: string; port?: string }): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port === undefined ? 8787 : options.port === '0' ? 0 : parsePositiveInt(options.port, '--port');
  return withApp(io, globals, async (app) => {
    let esp;
    try {
      esp = resolveEspSettings(app.workspace.config.webhooks, app.workspace.dir, io.env);
    } catch (error) {
      if (error instanceof EspSettingsError) throw new UserError(error.message);
      throw error;
    }
    const router = createWebApp(app, { webhookSecret: webhookSecret(app.workspace.dir, io.env), esp, log: io.stderr });
    let server;
    try {
      server = await serve(router, { host, port });
    } catch (error) {
      throw new UserError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
    const address = server.address() as { port: number };
    io.stdout(`Nurture is serving http://${host}:${address.port}/ (links, webhooks under /webhooks/). Ctrl-C stops.`);
    const providers = Object.keys(esp);
    if (providers.length > 0) io.stdout(`ESP webhooks: ${providers.map((p) => `/webhooks/${p}`).join(', ')}`);
    if (io.signal && !io.signal.aborted) await once(io.signal, 'abort');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  });
}
