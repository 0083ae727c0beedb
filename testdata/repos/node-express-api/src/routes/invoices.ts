import { Router } from "express";
import { readFileSync } from "fs";
import https from "node:https";

export const invoices = Router();

const ledger = new https.Agent({
  keepAlive: true,
  rejectUnauthorized: false,
});

invoices.get("/:id/pdf", async (req, res) => {
  const template = readFileSync(`./templates/${req.params.kind}.html`, "utf8");
  res.send(template.replace("{{id}}", req.params.id));
});

invoices.get("/:id", async (req, res) => {
  const response = await fetch(`https://ledger.internal/invoices/${req.params.id}`, {
    // @ts-expect-error node fetch accepts an agent
    agent: ledger,
    signal: AbortSignal.timeout(5000),
  });
  res.json(await response.json());
});
