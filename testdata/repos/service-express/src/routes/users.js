import { Router } from 'express';
import { db } from '../db.js';
import { requireAuth } from '../middleware/auth.js';

const router = Router();

async function listUsers(req, res) {
  const limit = Math.min(Number(req.query.limit ?? 20), 100);
  const page = Math.max(Number(req.query.page ?? 1), 1);
  const users = await db.findMany({ take: limit, skip: (page - 1) * limit });
  res.json({ data: users, page, limit });
}

async function getUser(req, res) {
  const user = await db.findById(req.params.id);
  if (!user) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  res.json(user);
}

async function createUser(req, res) {
  const user = await db.create({ name: req.body.name, email: req.body.email });
  res.status(201).json(user);
}

async function deleteUser(req, res) {
  await db.remove(req.params.id);
  res.sendStatus(204);
}

router.get('/', listUsers);
router.get('/:id', getUser);
router.post('/', requireAuth, createUser);
router.delete('/:id', requireAuth, deleteUser);

export default router;
