// Preview service (Fastify): e-mail previews in Handlebars and Nunjucks.
import Fastify from "fastify";
import Handlebars from "handlebars";
import nunjucks from "nunjucks";

const app = Fastify();
const env = new nunjucks.Environment();
const heading = Handlebars.compile("<h2>{{title}}</h2>");

app.post("/preview/hbs", async (request, reply) => {
  const body = request.body as { template: string; title: string };
  const page = Handlebars.compile(body.template); // expect: template-injection
  return reply.type("text/html").send(page({}) + heading({ title: body.title }));
});

app.post("/preview/njk", async (request, reply) => {
  const { template, title } = request.body as { template: string; title: string };
  const html = env.renderString(template, {}); // expect: template-injection
  const fixed = env.renderString("<h2>{{ title }}</h2>", { title });
  return reply.type("text/html").send(html + fixed);
});

export default app;
