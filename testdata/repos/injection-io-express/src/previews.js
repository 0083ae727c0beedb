// Link previews and webhooks: per route the forgery beside its idiomatic fix.
const axios = require("axios");
const express = require("express");

const router = express.Router();
const CATALOG_URL = process.env.CATALOG_URL;
const PREVIEW_HOSTS = new Set(["images.example-cdn.com", "static.example.com"]);

router.get("/fetch", async (req, res) => {
  const upstream = await fetch(req.query.url, { signal: AbortSignal.timeout(5000) }); // expect: server-side-request-forgery
  res.status(upstream.status).send(await upstream.text());
});

router.get("/fetch/safe", async (req, res) => {
  const target = new URL(String(req.query.url));
  if (target.protocol !== "https:" || !PREVIEW_HOSTS.has(target.hostname)) {
    return res.sendStatus(400);
  }
  const upstream = await fetch(target, { signal: AbortSignal.timeout(5000), redirect: "manual" });
  res.status(upstream.status).send(await upstream.text());
});

router.post("/webhooks/test", async (req, res) => {
  const { callbackUrl } = req.body;
  const reply = await axios.post(callbackUrl, { ping: true }, { timeout: 5000 }); // expect: server-side-request-forgery, unvalidated-request-body
  res.json({ status: reply.status });
});

router.get("/tenants/:tenant/status", async (req, res) => {
  const { data } = await axios.get(`https://${req.params.tenant}.internal.example.com/status`, { timeout: 5000 }); // expect: server-side-request-forgery
  res.json(data);
});

router.get("/products/:id", async (req, res) => {
  const { data } = await axios.get(`${CATALOG_URL}/products/${encodeURIComponent(req.params.id)}`, { timeout: 5000 });
  res.json(data);
});

module.exports = router;
