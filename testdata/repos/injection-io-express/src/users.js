// Users in MongoDB: per route the operator injection beside its idiomatic fix.
const bcrypt = require("bcrypt");
const express = require("express");
const mongoose = require("mongoose");

const router = express.Router();
const User = mongoose.model(
  "User",
  new mongoose.Schema({ email: String, passwordHash: String, status: String, name: String }),
);

router.post("/login", async (req, res) => {
  const user = await User.findOne({ email: req.body.email, passwordHash: req.body.password }); // expect: nosql-injection, unvalidated-request-body
  res.json({ ok: Boolean(user) });
});

router.post("/login/safe", async (req, res) => {
  const user = await User.findOne({ email: String(req.body.email) });  // expect: unvalidated-request-body
  const ok = user && (await bcrypt.compare(String(req.body.password), user.passwordHash));
  res.json({ ok: Boolean(ok) });
});

router.get("/", async (req, res) => {
  res.json(await User.find(req.query).limit(50)); // expect: nosql-injection, unvalidated-request-body
});

router.get("/by-status", async (req, res) => {
  const status = typeof req.query.status === "string" ? req.query.status : "active";
  res.json(await User.find({ status }).limit(50));
});

router.get("/search", async (req, res) => {
  const { prefix } = req.query;
  res.json(await User.find({ $where: `this.name.startsWith("${prefix}")` }).limit(50)); // expect: nosql-injection
});

router.get("/:id", async (req, res) => {
  res.json(await User.findById(req.params.id));
});

module.exports = router;
