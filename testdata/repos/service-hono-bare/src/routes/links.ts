import { Hono } from 'hono';
import type { Context } from 'hono';
import { jwt } from 'hono/jwt';
import { db } from '../db';

const requireAuth = jwt({ secret: process.env.JWT_SECRET ?? '' });
const links = new Hono();

async function listLinks(c: Context) {
  return c.json(await db.findMany({ take: 1000, skip: 0 }));
}

async function createLink(c: Context) {
  return c.json(await db.create(await c.req.json()));
}

async function listLinkClicks(c: Context) {
  return c.json([]);
}

async function deleteLink(c: Context) {
  await db.remove(c.req.param('id'));
  return c.body(null, 204);
}

links.get('/', listLinks);
links.post('/', createLink);
links.get('/:id/linkClicks', listLinkClicks);
links.delete('/:id', requireAuth, deleteLink);

export default links;
