import { Hono } from 'hono';
import type { Context } from 'hono';
import { serve } from '@hono/node-server';
import { secureHeaders } from 'hono/secure-headers';
import { rateLimiter } from 'hono-rate-limiter';
import links from './routes/links';

const app = new Hono();

app.use('*', secureHeaders());
app.use(
  '/api/*',
  rateLimiter({
    windowMs: 60_000,
    limit: 100,
    keyGenerator: (c) => c.req.header('x-forwarded-for') ?? 'anonymous',
  }),
);

function health(c: Context) {
  return c.json({ status: 'ok' });
}

app.get('/healthz', health);
app.route('/api/v1/links', links);

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
