// Documents: per route the traversal beside its idiomatic fix.
const express = require("express");
const fs = require("fs");
const path = require("path");

const router = express.Router();
const UPLOADS = path.resolve(__dirname, "..", "uploads");

router.get("/raw/:name", (req, res) => {
  res.sendFile(path.join(UPLOADS, req.params.name)); // expect: path-traversal
});

router.get("/files/:name", (req, res) => {
  res.sendFile(req.params.name, { root: UPLOADS });
});

router.get("/download", (req, res) => {
  const file = req.query.file;
  res.download(`${UPLOADS}/${file}`); // expect: path-traversal
});

router.get("/attachments/:name", (req, res) => {
  res.download(path.join(UPLOADS, path.basename(req.params.name)));
});

router.get("/notes", async (req, res) => {
  const text = await fs.promises.readFile(path.join(UPLOADS, "notes", req.query.note), "utf8"); // expect: path-traversal
  res.type("text/plain").send(text);
});

router.get("/notes/safe", async (req, res) => {
  const full = path.resolve(UPLOADS, "notes", String(req.query.note));
  if (!full.startsWith(UPLOADS + path.sep)) {
    return res.sendStatus(404);
  }
  res.type("text/plain").send(await fs.promises.readFile(full, "utf8"));
});

router.delete("/files", (req, res) => {
  const { name } = req.body;
  fs.unlink(path.join(UPLOADS, name), (err) => res.sendStatus(err ? 404 : 204)); // expect: path-traversal, unvalidated-request-body
});

module.exports = router;
