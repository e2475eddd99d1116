import { once } from 'node:events';
import { webhookSecret } from '../../app.js';
import { createWebApp } from '../../web/app.js';
import { MIN_PASSWORD_LENGTH, ReviewLogin } from '../../web/login/review-login.js';
import { EspSettingsError, resolveEspSettings } from '../../web/esp/settings.js';
import { serve } from '../../web/server.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { parsePositiveInt } from '../time-options.js';

/** The address a person on this machine types: a wildcard bind is reached through loopback. */
function localOrigin(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${name.includes(':') ? `[${name}]` : name}:${port}`;
}

function passwordFrom(env: Record<string, string | undefined>): string | undefined {
  const password = env.NURTURE_SERVE_PASSWORD;
  if (password === undefined || password === '') return undefined;
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new UserError(`NURTURE_SERVE_PASSWORD: too short (${password.length} characters); use at least ${MIN_PASSWORD_LENGTH}`);
  return password;
}

/**
 * `nurture serve`: the link endpoints and the webhook (public), and the review pages behind a
 * login, on 127.0.0.1 unless told otherwise. Prints a one-time login URL, and a new one each time
 * one is used.
 */
export async function serveCommand(io: CliIo, globals: GlobalOptions, options: { host?: string; port?: string }): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port === undefined ? 8787 : options.port === '0' ? 0 : parsePositiveInt(options.port, '--port');
  const password = passwordFrom(io.env);
  return withApp(io, globals, async (app) => {
    let esp;
    try {
      esp = resolveEspSettings(app.workspace.config.webhooks, app.workspace.dir, io.env);
    } catch (error) {
      if (error instanceof EspSettingsError) throw new UserError(error.message);
      throw error;
    }
    let origin = '';
    const loginUrl = (token: string) => `${origin}/login?token=${token}`;
    const login = new ReviewLogin({
      clock: app.clock,
      password,
      onTokenUsed: (token) => io.stdout(`A browser logged in with the login URL. Next login URL: ${loginUrl(token)}`),
    });
    const router = createWebApp(app, { webhookSecret: webhookSecret(app.workspace.dir, io.env), login, esp, log: io.stderr });
    let server;
    try {
      server = await serve(router, { host, port });
    } catch (error) {
      throw new UserError(`cannot listen on ${host}:${port}: ${(error as Error).message}`);
    }
    const address = server.address() as { port: number };
    origin = localOrigin(host, address.port);
    io.stdout(`Nurture is serving http://${host}:${address.port}/ (links, webhooks under /webhooks/). Ctrl-C stops.`);
    io.stdout(`Review pages (login required): ${loginUrl(login.newToken())}`);
    io.stdout(
      password
        ? 'That URL works once; or log in at /login with NURTURE_SERVE_PASSWORD.'
        : 'That URL works once; a new one is printed here each time one is used. Set NURTURE_SERVE_PASSWORD for a login form.',
    );
    const providers = Object.keys(esp);
    if (providers.length > 0) io.stdout(`ESP webhooks: ${providers.map((p) => `/webhooks/${p}`).join(', ')}`);
    if (io.signal && !io.signal.aborted) await once(io.signal, 'abort');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    return 0;
  });
}
