const express = require('express');
const { Op } = require('sequelize');
const { Order, Customer } = require('./models');

const router = express.Router();

function pageSize(raw) {
  return Math.min(Math.max(Number(raw) || 20, 1), 100);
}

router.get('/', async (req, res) => {
  const orders = await Order.findAll({ where: { status: req.query.status || 'open' }, order: [['createdAt', 'DESC']], limit: pageSize(req.query.limit) }); // expect: query-on-unindexed-column
  res.json({ data: orders });
});

router.get('/recent', async (req, res) => {
  const since = new Date(Date.now() - 7 * 24 * 60 * 60 * 1000);
  const orders = await Order.findAll({
    where: { createdAt: { [Op.gte]: since } },
    order: [['createdAt', 'DESC']],
    limit: pageSize(req.query.limit),
  });
  res.json({ data: orders });
});

router.get('/channel/:channel', async (req, res) => {
  const orders = await Order.findAll({ where: { channel: req.params.channel }, limit: pageSize(req.query.limit) });
  res.json({ data: orders });
});

router.get('/customer/:email', async (req, res) => {
  const customer = await Customer.findOne({ where: { email: req.params.email } });
  if (!customer) {
    res.status(404).json({ error: 'not found' });
    return;
  }
  const orders = await Order.findAll({ where: { customerId: customer.id }, limit: pageSize(req.query.limit) }); // expect: query-on-unindexed-column
  res.json({ customer, data: orders });
});

module.exports = router;
