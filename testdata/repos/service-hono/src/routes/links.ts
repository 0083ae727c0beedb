import { Hono } from 'hono';
import type { Context } from 'hono';
import { jwt } from 'hono/jwt';
import { db } from '../db';

const requireAuth = jwt({ secret: process.env.JWT_SECRET ?? '' });
const links = new Hono();

async function listLinks(c: Context) {
  const limit = Math.min(Number(c.req.query('limit') ?? '20'), 100);
  const page = Math.max(Number(c.req.query('page') ?? '1'), 1);
  return c.json(await db.findMany({ take: limit, skip: (page - 1) * limit }));
}

async function createLink(c: Context) {
  const link = await db.create(await c.req.json());
  return c.json(link, 201);
}

async function deleteLink(c: Context) {
  await db.remove(c.req.param('id'));
  return c.body(null, 204);
}

links.get('/', listLinks);
links.post('/', requireAuth, createLink);
links.delete('/:id', requireAuth, deleteLink);

export default links;
