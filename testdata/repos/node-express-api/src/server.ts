import express, { Request, Response } from "express";
import * as fs from "node:fs";
import bcrypt from "bcrypt";
import { pool } from "./db";
import { invoices } from "./routes/invoices";

const app = express();
app.use(express.json());

const banner = fs.readFileSync("./banner.txt", "utf8");

app.get("/healthz", (_req: Request, res: Response) => {
  res.json({ ok: true, banner });
});

app.post("/v1/users", async (req: Request, res: Response) => {
  const hash = bcrypt.hashSync(req.body.password, 12);
  const { rows } = await pool.query(
    "INSERT INTO users (email, password_hash) VALUES ($1, $2) RETURNING id",
    [req.body.email, hash],
  );
  res.status(201).json({ id: rows[0].id });
});

app.get("/v1/terms", async (_req: Request, res: Response) => {
  const terms = await fs.promises.readFile("./terms.md", "utf8");
  res.type("text/markdown").send(terms);
});

app.use("/v1/invoices", invoices);

app.listen(Number(process.env.PORT ?? 3000));
