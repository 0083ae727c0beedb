import Fastify from 'fastify';
import jwt from '@fastify/jwt';
import productRoutes from './routes/products.js';

const app = Fastify({ logger: true });

await app.register(jwt, { secret: process.env.JWT_SECRET });

app.decorate('authenticate', async function authenticate(request, reply) {
  try {
    await request.jwtVerify();
  } catch (err) {
    reply.send(err);
  }
});

app.register(productRoutes, { prefix: '/products' });

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '0.0.0.0' });
