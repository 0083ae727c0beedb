import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import jwt from '@fastify/jwt';
import productRoutes from './routes/products.js';

const app = Fastify({ logger: true });

await app.register(helmet);
await app.register(rateLimit, { max: 100, timeWindow: '1 minute' });
await app.register(jwt, { secret: process.env.JWT_SECRET });

app.decorate('authenticate', async function authenticate(request, reply) {
  try {
    await request.jwtVerify();
  } catch (err) {
    reply.send(err);
  }
});

app.get('/healthz', async function health() {
  return { status: 'ok' };
});

app.register(productRoutes, { prefix: '/api/v1/products' });

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '0.0.0.0' });
