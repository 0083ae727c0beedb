import { Hono } from 'hono';
import { zValidator } from '@hono/zod-validator';
import { z } from 'zod';
import { db } from '../db';

export const app = new Hono();

const Comment = z.object({ postId: z.string().uuid(), text: z.string().min(1).max(2000) });

// Bad: raw JSON from the request.
app.post('/comments', async (c) => {
  const { postId, text } = await c.req.json();
  const id = await db.comments.insert({ postId, text }); // expect: unvalidated-request-body
  return c.json({ id }, 201);
});

// Fix: zValidator on the route, c.req.valid in the handler.
app.post('/v2/comments', zValidator('json', Comment), async (c) => {
  const { postId, text } = c.req.valid('json');
  const id = await db.comments.insert({ postId, text });
  return c.json({ id }, 201);
});
