import { randomUUID } from 'node:crypto';
import express from 'express';
import pinoHttp from 'pino-http';
import client from 'prom-client';
import sessions from './routes/sessions.js';

client.collectDefaultMetrics();

const app = express();
app.use(express.json());
app.use(pinoHttp({ genReqId: (req) => req.headers['x-request-id'] ?? randomUUID() }));
app.get('/metrics', async (req, res) => {
  res.set('Content-Type', client.register.contentType);
  res.end(await client.register.metrics());
});
app.use('/v1/sessions', sessions);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`web-api listening on ${port}`));
