const express = require('express');
const { z } = require('zod');
const Order = require('../models/order');

const router = express.Router();

const NewOrder = z.object({
  productId: z.string().uuid(),
  quantity: z.number().int().min(1).max(100),
});

// Bad: fields of the body go straight into the database.
router.post('/orders', async (req, res) => {
  const { productId, quantity } = req.body;
  const order = await Order.create({ productId, quantity, userId: req.user.id }); // expect: unvalidated-request-body
  res.status(201).json(order);
});

// Fix: parse with a schema and use the result.
router.post('/v2/orders', async (req, res) => {
  const { productId, quantity } = NewOrder.parse(req.body);
  const order = await Order.create({ productId, quantity, userId: req.user.id });
  res.status(201).json(order);
});

// Bad: a body field decides what the handler does.
router.post('/orders/:id/status', async (req, res) => {
  if (req.body.status === 'cancelled') { // expect: unvalidated-request-body
    await Order.updateOne({ _id: req.params.id }, { status: 'cancelled' });
  }
  res.sendStatus(204);
});

// Fix: safeParse and answer 400 on bad input.
router.post('/v2/orders/:id/status', async (req, res) => {
  const parsed = z.object({ status: z.enum(['open', 'cancelled']) }).safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json(parsed.error.flatten());
  }
  await Order.updateOne({ _id: req.params.id }, { status: parsed.data.status });
  res.sendStatus(204);
});

// Quiet: a query parameter read by name and converted.
router.get('/orders', async (req, res) => {
  const page = parseInt(req.query.page, 10) || 1;
  res.json(await Order.find().skip((page - 1) * 20).limit(20));
});

module.exports = router;
