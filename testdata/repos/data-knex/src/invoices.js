const express = require('express');
const db = require('./db');

const router = express.Router();

function pageSize(raw) {
  return Math.min(Math.max(Number(raw) || 20, 1), 100);
}

router.get('/', async (req, res, next) => {
  try {
    const { rows } = await db.raw('SELECT id, number, amount_cents, status FROM invoices WHERE status = ? ORDER BY due_at LIMIT ?', [req.query.status || 'open', pageSize(req.query.limit)]); // expect: query-on-unindexed-column
    res.json({ data: rows });
  } catch (err) {
    next(err);
  }
});

router.get('/overdue', async (req, res, next) => {
  try {
    const { rows } = await db.raw('SELECT id, number, due_at FROM invoices WHERE due_at < now() ORDER BY due_at LIMIT ?', [pageSize(req.query.limit)]);
    res.json({ data: rows });
  } catch (err) {
    next(err);
  }
});

router.get('/paid-since/:date', async (req, res, next) => {
  try {
    const { rows } = await db.raw('SELECT id, number, paid_at FROM invoices WHERE paid_at >= ? ORDER BY paid_at LIMIT ?', [req.params.date, pageSize(req.query.limit)]);
    res.json({ data: rows });
  } catch (err) {
    next(err);
  }
});

router.get('/by-account/:accountId', async (req, res, next) => {
  try {
    const { rows } = await db.raw('SELECT id, number, status FROM invoices WHERE account_id = ? LIMIT ?', [req.params.accountId, pageSize(req.query.limit)]); // expect: query-on-unindexed-column
    res.json({ data: rows });
  } catch (err) {
    next(err);
  }
});

module.exports = router;
