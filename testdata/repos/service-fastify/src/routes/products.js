import { db } from '../db.js';

const listQuery = {
  type: 'object',
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    page: { type: 'integer', minimum: 1, default: 1 },
  },
};

/** @param {import('fastify').FastifyInstance} app */
export default async function productRoutes(app) {
  app.get('/', { schema: { querystring: listQuery } }, async function listProducts(request) {
    const { limit, page } = request.query;
    return db.findMany({ take: limit, skip: (page - 1) * limit });
  });

  app.get('/:id', async function getProduct(request, reply) {
    const product = await db.findById(request.params.id);
    if (!product) {
      return reply.code(404).send({ error: 'not found' });
    }
    return product;
  });

  app.post('/', { onRequest: [app.authenticate] }, createProduct);

  async function createProduct(request, reply) {
    const product = await db.create(request.body);
    return reply.code(201).send(product);
  }
}
