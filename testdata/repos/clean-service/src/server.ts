import express from "express";
import { readFile } from "node:fs/promises";
import https from "node:https";
import bcrypt from "bcrypt";

const agent = new https.Agent({ ca: process.env.CA_PEM, rejectUnauthorized: true });
const app = express();

app.post("/v1/users", async (req, res) => {
  const hash = await bcrypt.hash(req.body.password, 12);
  const welcome = await readFile("./welcome.html", "utf8");
  res.status(201).json({ hash, welcome, agent: Boolean(agent) });
});

export default app;
