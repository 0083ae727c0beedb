const express = require('express');
const { body, validationResult } = require('express-validator');
const { celebrate, Joi, Segments } = require('celebrate');
const { z } = require('zod');
const User = require('../models/user');

const router = express.Router();

const UserChanges = z.object({ name: z.string().min(1).max(100), email: z.string().email() }).partial();

// Bad: the whole body becomes the document (role, isAdmin, ...).
router.post('/users', async (req, res) => {
  const user = await User.create(req.body); // expect: mass-assignment
  res.status(201).json({ id: user.id });
});

// Bad: Object.assign copies every field the client sent onto the entity.
router.patch('/users/:id', async (req, res) => {
  const user = await User.findById(req.params.id);
  Object.assign(user, req.body); // expect: mass-assignment
  await user.save();
  res.json(user);
});

// Bad: findByIdAndUpdate with the raw body.
router.put('/users/:id', async (req, res) => {
  const updated = await User.findByIdAndUpdate(req.params.id, req.body, { new: true }); // expect: mass-assignment
  res.json(updated);
});

// Bad: a spread of the body into the new document.
router.post('/users/invite', async (req, res) => {
  const invited = new User({ ...req.body, invitedBy: req.user.id }); // expect: mass-assignment
  await invited.save();
  res.status(201).end();
});

// Picking the fields fixes the mass assignment, but nothing checks their values.
router.patch('/v2/users/:id', async (req, res) => {
  const { name, email } = req.body;
  const user = await User.findByIdAndUpdate(req.params.id, { name, email }, { new: true }); // expect: unvalidated-request-body
  res.json(user);
});

// Fix: a schema that lists the writable fields (zod drops unknown keys).
router.patch('/v3/users/:id', async (req, res) => {
  const changes = UserChanges.parse(req.body);
  const user = await User.findByIdAndUpdate(req.params.id, changes, { new: true });
  res.json(user);
});

// Fix: express-validator on the route, validationResult in the handler.
router.post(
  '/v2/users',
  body('email').isEmail().normalizeEmail(),
  body('name').isLength({ min: 1, max: 100 }),
  async (req, res) => {
    const errors = validationResult(req);
    if (!errors.isEmpty()) {
      return res.status(400).json({ errors: errors.array() });
    }
    const user = await User.create({ email: req.body.email, name: req.body.name });
    res.status(201).json({ id: user.id });
  },
);

// Fix: celebrate (joi) rejects unknown keys before the handler runs.
router.post(
  '/v3/users',
  celebrate({
    [Segments.BODY]: Joi.object({ email: Joi.string().email().required(), name: Joi.string().max(100) }),
  }),
  async (req, res) => {
    const user = await User.create(req.body);
    res.status(201).json({ id: user.id });
  },
);

module.exports = router;
