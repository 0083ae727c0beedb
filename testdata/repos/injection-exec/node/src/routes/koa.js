// Reports service (Koa): report layouts and pipelines.
const Router = require("@koa/router");
const pug = require("pug");
const yaml = require("js-yaml");

const router = new Router();
const layout = pug.compile("h1= title");

router.post("/reports", async (ctx) => {
  const { template, title } = ctx.request.body;
  const render = pug.compile(template); // expect: template-injection
  ctx.body = render({ title }) + layout({ title });
});

router.post("/pipelines", async (ctx) => {
  const unsafe = yaml.load(ctx.request.body.spec, { schema: yaml.DEFAULT_FULL_SCHEMA }); // expect: unsafe-deserialization
  const pipeline = yaml.load(ctx.request.body.spec);
  ctx.body = { steps: pipeline.steps.length, unsafe: Boolean(unsafe) };
});

module.exports = router;
