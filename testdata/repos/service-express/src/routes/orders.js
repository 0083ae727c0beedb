import express from 'express';
import { db } from '../db.js';
import { requireAuth } from '../middleware/auth.js';

const router = express.Router();

async function listOrders(req, res) {
  const { limit = 20, page = 1 } = req.query;
  const orders = await db.findMany({ take: Number(limit), skip: (Number(page) - 1) * Number(limit) });
  res.json({ data: orders });
}

async function createOrder(req, res) {
  const order = await db.create({ userId: req.user.id, items: req.body.items });
  res.status(201).json(order);
}

router.use(requireAuth);
router.get('/', listOrders);
router.post('/', createOrder);

export default router;
