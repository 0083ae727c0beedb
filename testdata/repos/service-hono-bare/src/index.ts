import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import links from './routes/links';

const app = new Hono();

app.route('/links', links);

serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });
