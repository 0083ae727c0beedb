import { randomUUID } from 'node:crypto';
import express from 'express';
import pinoHttp from 'pino-http';
import promBundle from 'express-prom-bundle';
import helmet from 'helmet';
import rateLimit from 'express-rate-limit';
import usersRouter from './routes/users.js';
import ordersRouter from './routes/orders.js';

const app = express();

app.use(pinoHttp({ genReqId: (req) => req.headers['x-request-id'] ?? randomUUID() }));
app.use(promBundle({ includeMethod: true, includePath: true }));
app.use(helmet());
app.use(express.json({ limit: '100kb' }));
app.use(rateLimit({ windowMs: 60_000, limit: 100, standardHeaders: true, legacyHeaders: false }));

function health(req, res) {
  res.json({ status: 'ok' });
}

app.get('/healthz', health);
app.use('/api/v1/users', usersRouter);
app.use('/api/v1/orders', ordersRouter);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`listening on ${port}`));
