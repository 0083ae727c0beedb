import express from "express";
import helmet from "helmet";
import rateLimit from "express-rate-limit";
import swaggerJsdoc from "swagger-jsdoc";
import swaggerUi from "swagger-ui-express";
import { requireAuth } from "./auth";
import ordersRouter from "./orders";

const app = express();

app.use(helmet());
app.use(express.json({ limit: "100kb" }));
app.use(rateLimit({ windowMs: 60_000, limit: 100, standardHeaders: true, legacyHeaders: false }));

const spec = swaggerJsdoc({
  definition: { openapi: "3.0.3", info: { title: "Orders API", version: "1.2.0" } },
  apis: ["./src/orders.ts"],
});
app.use("/docs", swaggerUi.serve, swaggerUi.setup(spec));

app.get("/healthz", (_req, res) => {
  res.json({ status: "ok" });
});
app.use("/api/v1/orders", requireAuth, ordersRouter);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`orders-api listening on ${port}`));
