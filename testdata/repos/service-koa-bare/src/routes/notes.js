const Router = require('@koa/router');
const jwt = require('koa-jwt');
const { db } = require('../db');

const requireAuth = jwt({ secret: process.env.JWT_SECRET });
const router = new Router({ prefix: '/notes' });

async function listNotes(ctx) {
  ctx.body = await db.findMany({ take: 1000, skip: 0 });
}

async function createNote(ctx) {
  ctx.body = await db.create({ text: ctx.request.body.text });
}

async function listNoteTags(ctx) {
  ctx.body = [];
}

async function deleteNote(ctx) {
  await db.remove(ctx.params.id);
  ctx.status = 204;
}

router.get('/', listNotes);
router.post('/', createNote);
router.get('/noteTags', listNoteTags);
router.delete('/:id', requireAuth, deleteNote);

module.exports = router;
