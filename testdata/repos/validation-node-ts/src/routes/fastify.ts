import { FastifyInstance } from 'fastify';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

const createPostSchema = {
  body: {
    type: 'object',
    required: ['title', 'body'],
    additionalProperties: false,
    properties: { title: { type: 'string', maxLength: 200 }, body: { type: 'string' } },
  },
};

export async function postRoutes(app: FastifyInstance) {
  // Bad: the body is Prisma's data.
  app.post('/posts', async (request, reply) => {
    const post = await prisma.post.create({ data: request.body as any }); // expect: mass-assignment
    return reply.code(201).send(post);
  });

  // Fix: a route schema validates (and with additionalProperties: false, limits) the body.
  app.post('/v2/posts', { schema: createPostSchema }, async (request, reply) => {
    const post = await prisma.post.create({ data: request.body as { title: string; body: string } });
    return reply.code(201).send(post);
  });

  // Bad: a body field used with no route schema.
  app.patch('/posts/:id', async (request, reply) => {
    const { title } = request.body as { title: string };
    await prisma.post.update({ where: { id: (request.params as any).id }, data: { title } }); // expect: unvalidated-request-body
    return reply.code(204).send();
  });
}
