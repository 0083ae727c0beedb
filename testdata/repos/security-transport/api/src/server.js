const express = require("express");
const session = require("express-session");
const { Pool } = require("pg");

const app = express();
app.set("trust proxy", 1);

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

app.use(
  session({
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { secure: false, maxAge: 8 * 3600 * 1000 }, // expect: insecure-cookie
  })
);

const authCookie = {
  httpOnly: true,
  secure: process.env.NODE_ENV === "production",
  sameSite: "lax",
};

app.post("/v1/login", async (req, res) => {
  const { access, refresh } = await login(req.body.email, req.body.password);
  res.cookie("access_token", access, { maxAge: 15 * 60 * 1000 }); // expect: insecure-cookie
  res.cookie("refresh_token", refresh, { ...authCookie, maxAge: 7 * 86400000 });
  res.cookie("theme", req.body.theme || "light");
  res.status(204).end();
});

app.get("/v1/orders/:id", async (req, res) => {
  try {
    const { rows } = await pool.query("select * from orders where id = $1", [req.params.id]);
    res.json(rows[0]);
  } catch (err) {
    res.status(500).json({ error: err.message }); // expect: error-details-leaked
  }
});

app.post("/v1/orders", async (req, res) => {
  try {
    const order = await createOrder(req.body);
    res.status(201).json(order);
  } catch (err) {
    if (err.name === "ValidationError") {
      return res.status(400).json({ error: err.message, details: err.errors });
    }
    req.log.error({ err }, "creating order failed");
    res.status(500).json({ error: "Internal server error", requestId: req.id });
  }
});

app.use((err, req, res, next) => {
  console.error(err);
  res.status(err.status || 500).send({ message: "Internal server error", stack: err.stack }); // expect: error-details-leaked
});

module.exports = app;
