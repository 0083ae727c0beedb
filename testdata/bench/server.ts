import express, { NextFunction, Request, Response } from "express";
import rateLimit from "express-rate-limit";
import { z } from "zod";
import { promises as fs } from "node:fs";
import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const app = express();
app.use(express.json({ limit: "100kb" }));
app.use(rateLimit({ windowMs: 60_000, max: 120 }));

const CreateUser = z.object({
  email: z.string().email(),
  name: z.string().min(1).max(120),
});

app.get("/healthz", (_req: Request, res: Response) => res.json({ ok: true }));

app.post("/api/v1/users", async (req: Request, res: Response, next: NextFunction) => {
  const parsed = CreateUser.safeParse(req.body);
  if (!parsed.success) {
    return res.status(400).json({ error: parsed.error.flatten() });
  }
  try {
    const { rows } = await pool.query(
      "INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id",
      [parsed.data.email, parsed.data.name],
    );
    const template = await fs.readFile("./templates/welcome.html", "utf8");
    res.status(201).json({ id: rows[0].id, preview: template.slice(0, 80) });
  } catch (error) {
    next(error);
  }
});

app.get("/api/v1/users/:id", async (req: Request, res: Response) => {
  const { rows } = await pool.query("SELECT id, email, name FROM users WHERE id = $1", [req.params.id]);
  if (rows.length === 0) {
    return res.status(404).end();
  }
  res.json(rows[0]);
});

export default app;
