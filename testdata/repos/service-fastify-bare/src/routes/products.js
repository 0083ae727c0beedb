import { db } from '../db.js';

/** @param {import('fastify').FastifyInstance} app */
export default async function productRoutes(app) {
  app.get('/', async function listProducts() {
    return db.findMany({ take: 1000, skip: 0 });
  });

  app.get('/productVariants/:id', async function getVariant(request) {
    return db.findById(request.params.id);
  });

  app.post('/', async function createProduct(request) {
    return db.create(request.body);
  });

  app.delete('/:id', { onRequest: [app.authenticate] }, async function deleteProduct(request, reply) {
    await db.remove(request.params.id);
    return reply.code(204).send();
  });
}
