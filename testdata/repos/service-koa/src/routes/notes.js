const Router = require('@koa/router');
const jwt = require('koa-jwt');
const { db } = require('../db');

const requireAuth = jwt({ secret: process.env.JWT_SECRET });
const router = new Router();

async function listNotes(ctx) {
  const limit = Math.min(Number(ctx.query.limit || 20), 100);
  const page = Math.max(Number(ctx.query.page || 1), 1);
  ctx.body = await db.findMany({ take: limit, skip: (page - 1) * limit });
}

async function createNote(ctx) {
  ctx.body = await db.create({ text: ctx.request.body.text });
  ctx.status = 201;
}

async function deleteNote(ctx) {
  await db.remove(ctx.params.id);
  ctx.status = 204;
}

router.get('/', listNotes);
router.post('/', requireAuth, createNote);
router.delete('/:id', requireAuth, deleteNote);

module.exports = router;
