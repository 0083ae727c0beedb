const fs = require("fs");
const axios = require("axios");
const express = require("express");
const nodemailer = require("nodemailer");

const router = express.Router();
const billing = axios.create({ baseURL: process.env.BILLING_URL, timeout: 5000 });
const mailer = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: 587 });
const TERMS = fs.readFileSync(`${__dirname}/terms.txt`, "utf8");
const lastSeen = new Map();

router.get("/:id", async (req, res) => {
  lastSeen.set(req.params.id, Date.now()); // expect: handler-mutates-module-state
  const { data } = await billing.get(`/accounts/${req.params.id}`);
  res.json({ ...data, terms: TERMS });
});

router.get("/:id/credit", async (req, res) => {
  const { data } = await axios.get(`${process.env.SCORING_URL}/score/${req.params.id}`); // expect: http-call-without-timeout
  res.json(data);
});

router.post("/:id/statements", async (req, res) => {
  const statement = fs.readFileSync(`/var/statements/${req.params.id}.pdf`); // expect: blocking-call-in-async-function, path-traversal
  await mailer.sendMail({ to: req.body.email, subject: "Your statement", attachments: [{ content: statement }] }); // expect: long-running-work-in-handler
  res.status(202).json({ sent: true });
});

module.exports = router;
