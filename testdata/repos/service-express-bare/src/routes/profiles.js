import { Router } from 'express';
import { db } from '../db.js';
import { requireAuth } from '../middleware/auth.js';

const router = Router();

async function getProfile(req, res) {
  res.json(await db.findById(req.params.id));
}

router.get('/:id', requireAuth, getProfile);

export default router;
