const Koa = require('koa');
const Router = require('@koa/router');
const helmet = require('koa-helmet');
const ratelimit = require('koa-ratelimit');
const bodyParser = require('koa-bodyparser');
const notes = require('./routes/notes');

const app = new Koa();
const health = new Router();
const api = new Router({ prefix: '/api/v1' });

async function healthCheck(ctx) {
  ctx.body = { status: 'ok' };
}

health.get('/healthz', healthCheck);
api.use('/notes', notes.routes(), notes.allowedMethods());

app.use(helmet());
app.use(ratelimit({ driver: 'memory', db: new Map(), duration: 60000, max: 100 }));
app.use(bodyParser());
app.use(health.routes());
app.use(api.routes());
app.use(api.allowedMethods());

app.listen(Number(process.env.PORT || 3000));
