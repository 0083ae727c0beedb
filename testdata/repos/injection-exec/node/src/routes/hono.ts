// Edge tools (Hono): expression evaluation and image conversion.
import { Hono } from "hono";
import { spawn } from "node:child_process";

const app = new Hono();

app.post("/eval", async (c) => {
  const { expr } = await c.req.json();
  const value = eval(expr); // expect: code-injection
  return c.json({ value, fixed: Number(expr) * 2 });
});

app.post("/resize", async (c) => {
  const { size, file } = await c.req.json();
  spawn("convert", [file, "-resize", size, "out.png"], { shell: true }); // expect: command-injection
  spawn("convert", ["--", file, "-resize", String(Number(size)), "out.png"]);
  return c.json({ ok: true });
});

export default app;
