//! Route facts of Express, Fastify, NestJS, Koa and Hono snippets, checked
//! in full through one-line summaries of each fact.

use crate::facts::routes::facts_of;
use crate::facts::service::{Framework, ServiceFacts, Target};

/// `name framework [app] [default] prefix=… markers=[…]`
fn routers(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routers
        .iter()
        .map(|r| {
            let mut line = format!("{} {}", r.name, r.framework.name());
            if r.is_app {
                line.push_str(" app");
            }
            if r.default_export {
                line.push_str(" default");
            }
            if !r.prefix.is_empty() {
                line.push_str(&format!(" prefix={}", r.prefix));
            }
            if !r.markers.is_empty() {
                line.push_str(&format!(" markers={:?}", r.markers));
            }
            line
        })
        .collect()
}

/// `METHODS router path handler` plus whatever else the route carries.
fn routes(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routes
        .iter()
        .map(|r| {
            let mut line = format!(
                "{} {} {} {}",
                r.methods.join(","),
                r.router.as_deref().unwrap_or("-"),
                r.path,
                r.handler.as_deref().unwrap_or("-")
            );
            if !r.markers.is_empty() {
                line.push_str(&format!(" markers={:?}", r.markers));
            }
            if let Some(status) = r.status {
                line.push_str(&format!(" status={status}"));
            }
            if !r.params.is_empty() {
                line.push_str(&format!(" params={:?}", r.params));
            }
            if !r.collection_reads.is_empty() {
                line.push_str(&format!(" reads={:?}", r.collection_reads));
            }
            line
        })
        .collect()
}

/// `parent prefix -> child markers`
fn mounts(facts: &ServiceFacts) -> Vec<String> {
    facts
        .mounts
        .iter()
        .map(|m| {
            let child = match &m.child {
                Target::Local(name) => format!("local:{name}"),
                Target::Imported { module, name } => {
                    format!("{module}#{}", name.as_deref().unwrap_or("default"))
                }
            };
            let mut line = format!("{} '{}' -> {child}", m.parent, m.prefix);
            if !m.markers.is_empty() {
                line.push_str(&format!(" markers={:?}", m.markers));
            }
            line
        })
        .collect()
}

fn middleware(facts: &ServiceFacts) -> Vec<String> {
    facts
        .middleware
        .iter()
        .map(|m| format!("{}: {}", m.router, m.name))
        .collect()
}

fn signals(facts: &ServiceFacts) -> Vec<String> {
    facts
        .signals
        .iter()
        .map(|s| format!("{:?}: {}", s.kind, s.detail))
        .collect()
}

// ----- Express -----------------------------------------------------------

#[test]
fn express_app_routes_middleware_and_mounts() {
    let facts = facts_of(
        "src/app.js",
        r"const express = require('express');
const helmet = require('helmet');
const rateLimit = require('express-rate-limit');
const passport = require('passport');
const usersRouter = require('./routes/users');
const { ordersRouter } = require('./routes/orders');
import adminRoutes from './routes/admin';
const { requireAuth } = require('./middleware/auth');

const app = express();
app.use(helmet());
app.use(express.json());
app.use(rateLimit({ windowMs: 60000, max: 100 }));
app.use('/api/v1/users', usersRouter);
app.use('/api/v1/orders', passport.authenticate('jwt', { session: false }), ordersRouter);
app.use('/admin', [requireAuth, audit], adminRoutes);
app.get('/healthz', (req, res) => res.status(200).send('ok'));
app.get('env');
app.listen(3000);
",
    );
    assert_eq!(routers(&facts), ["app express app"]);
    assert_eq!(routes(&facts), ["GET app /healthz - status=200"]);
    assert_eq!(
        mounts(&facts),
        [
            "app '/api/v1/users' -> ./routes/users#default",
            "app '/api/v1/orders' -> ./routes/orders#ordersRouter markers=[\"passport.authenticate('jwt', { session: false })\"]",
            "app '/admin' -> ./routes/admin#default markers=[\"requireAuth\", \"audit\"]",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "app: helmet()",
            "app: express.json()",
            "app: rateLimit({ windowMs: 60000, max: 100 })",
        ]
    );
    assert!(facts
        .routes
        .iter()
        .all(|r| r.framework == Framework::Express));
}

#[test]
fn express_router_file_with_inline_and_same_file_handlers() {
    let facts = facts_of(
        "src/routes/users.ts",
        r"import { Router } from 'express';
import { prisma } from '../db';
import { requireAuth } from '../middleware/auth';

const router = Router();

async function listUsers(req, res) {
  const limit = Number(req.query.limit ?? 20);
  const { page = 1 } = req.query;
  const users = await prisma.user.findMany({ take: limit, skip: (page - 1) * limit });
  res.json(users);
}

router.get('/', listUsers);
router.get('/all', async (req, res) => {
  res.json(await prisma.user.findMany());
});
router.post('/', requireAuth, validate(userSchema), async (req, res) => {
  const user = await prisma.user.create({ data: req.body });
  res.status(201).json(user);
});
router.delete('/:id', requireAuth, asyncHandler(removeUser));
router.all('*', notFound);

export default router;
",
    );
    assert_eq!(routers(&facts), ["router express default"]);
    assert_eq!(
        routes(&facts),
        [
            "GET router / listUsers params=[\"limit\", \"page\"]",
            "GET router /all - reads=[\"prisma.user.findMany\"]",
            "POST router / - markers=[\"requireAuth\", \"validate(userSchema)\"] status=201",
            "DELETE router /:id removeUser markers=[\"requireAuth\", \"asyncHandler\"]",
            "ANY router * notFound",
        ]
    );
}

#[test]
fn express_route_chains_and_module_exports() {
    let facts = facts_of(
        "routes/items.js",
        r"const express = require('express');
const router = express.Router();
const auth = require('../auth');

router.route('/items')
  .get(listItems)
  .post(auth.required, createItem);

router.route('/items/:id').put(auth.required, updateItem).delete(auth.required, deleteItem);

module.exports = router;
",
    );
    assert_eq!(routers(&facts), ["router express default"]);
    assert_eq!(
        routes(&facts),
        [
            "GET router /items listItems",
            "POST router /items createItem markers=[\"auth.required\"]",
            "PUT router /items/:id updateItem markers=[\"auth.required\"]",
            "DELETE router /items/:id deleteItem markers=[\"auth.required\"]",
        ]
    );
}

#[test]
fn express_router_built_by_a_function_is_named_after_it() {
    let facts = facts_of(
        "src/users.ts",
        r"import express from 'express';
export function usersRouter(service) {
  const router = express.Router();
  router.get('/', async (req, res) => res.json(await service.list()));
  return router;
}
",
    );
    assert_eq!(routers(&facts), ["usersRouter express"]);
    assert_eq!(routes(&facts), ["GET usersRouter / -"]);
}

#[test]
fn express_function_handed_the_app_registers_routes_on_it() {
    let facts = facts_of(
        "src/routes.js",
        r"const { list } = require('./controllers/users');
/** @param {import('express').Express} app */
module.exports = function (app) {
  app.get('/users', list);
};
",
    );
    assert_eq!(routers(&facts), ["<function:3> express default"]);
    assert_eq!(routes(&facts), ["GET <function:3> /users list"]);

    let facts = facts_of(
        "src/server.js",
        r"const express = require('express');
const app = express();
require('./routes')(app);
",
    );
    assert_eq!(mounts(&facts), ["app '' -> ./routes#default"]);
}

#[test]
fn express_routes_on_an_imported_app() {
    let facts = facts_of(
        "src/health.ts",
        r"import { app } from './app';
import type { Request, Response } from 'express';
app.get('/health', (req: Request, res: Response) => { res.sendStatus(204); });
",
    );
    assert!(facts.routers.is_empty());
    assert_eq!(routes(&facts), ["GET app /health - status=204"]);
}

#[test]
fn express_cors_session_swagger_and_terminus_are_signals() {
    let facts = facts_of(
        "src/app.js",
        r"const express = require('express');
const cors = require('cors');
const session = require('express-session');
const swaggerUi = require('swagger-ui-express');
const { createTerminus } = require('@godaddy/terminus');
const app = express();
app.use(cors({ origin: '*', credentials: true }));
app.use(cors());
app.use(cors({ origin: (origin, cb) => cb(null, true), credentials: true }));
app.use(cors({ origin: ['https://example.com'], credentials: true }));
app.use(session({ secret: process.env.SESSION_SECRET }));
app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec));
createTerminus(server, { healthChecks: { '/healthz': check } });
",
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors: cors({ origin: '*', credentials: true })",
            "PermissiveCors: cors({ origin: '*', credentials: true })",
            "Cors: cors()",
            "DefaultCors: cors()",
            "Cors: cors({ origin: (origin, cb) => cb(null, true), credentials: true })",
            "PermissiveCors: cors({ origin: (origin, cb) => cb(null, true), credentials: true })",
            "Cors: cors({ origin: ['https://example.com'], credentials: true })",
            "CookieAuth: session({ secret: process.env.SESSION_SECRET })",
            "OpenApiGenerator: swaggerUi.setup(spec)",
            "HealthLibrary: createTerminus(server, { healthChecks: { '/healthz': check } })",
        ]
    );
    // `swaggerUi.serve, swaggerUi.setup(spec)` under a path is middleware.
    assert!(middleware(&facts).contains(&"app: swaggerUi.setup(spec)".to_string()));
}

#[test]
fn http_clients_maps_and_frontend_routers_are_not_routes() {
    let facts = facts_of(
        "src/client.ts",
        r"import axios from 'axios';
import { useRouter } from 'vue-router';
import express from 'express';
const app = express();
const router = useRouter();
const map = new Map();
const api = axios.create({ baseURL: '/api' });
async function load(client, cache, key) {
  map.get('/x');
  await axios.get('/users');
  await axios.post('/users', { name: 'a' });
  await api.get('/users', { params: { page: 1 } });
  await client.get(url);
  await fetch('/users');
  cache.get(key);
  router.push('/home');
  router.replace('/login');
  app.get('env');
  app.set('trust proxy', 1);
}
",
    );
    assert!(facts.routes.is_empty(), "{:#?}", facts.routes);
    assert!(facts.mounts.is_empty(), "{:#?}", facts.mounts);
    assert_eq!(routers(&facts), ["app express app"]);
}

#[test]
fn tests_fake_apps_are_read_but_supertest_calls_are_not_routes() {
    let facts = facts_of(
        "test/users.spec.ts",
        r"import request from 'supertest';
import express from 'express';
const app = express();
app.get('/ping', (req, res) => res.send('pong'));
it('pings', async () => {
  await request(app).get('/ping').expect(200);
});
",
    );
    assert_eq!(routes(&facts), ["GET app /ping -"]);
}

// ----- Fastify -----------------------------------------------------------

#[test]
fn fastify_app_routes_plugins_and_options() {
    let facts = facts_of(
        "src/server.ts",
        r"import Fastify from 'fastify';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import cors from '@fastify/cors';
import swagger from '@fastify/swagger';
import usersRoutes from './routes/users';
import { ordersRoutes } from './routes/orders';

const app = Fastify({ logger: true });
await app.register(helmet);
await app.register(rateLimit, { max: 100, timeWindow: '1 minute' });
await app.register(cors, { origin: true, credentials: true });
await app.register(swagger);
app.register(usersRoutes, { prefix: '/api/v1/users' });
app.register(ordersRoutes, { prefix: '/api/v1/orders' });
app.register(import('./routes/admin'), { prefix: '/admin' });
app.addHook('onRequest', app.authenticate);
app.get('/healthz', async () => ({ status: 'ok' }));
app.route({
  method: ['GET', 'HEAD'],
  url: '/version',
  onRequest: [app.authenticate],
  handler: versionHandler,
});
",
    );
    assert_eq!(routers(&facts), ["app fastify app"]);
    assert_eq!(
        routes(&facts),
        [
            "GET app /healthz -",
            "GET,HEAD app /version versionHandler markers=[\"app.authenticate\"]",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "app '/api/v1/users' -> ./routes/users#default",
            "app '/api/v1/orders' -> ./routes/orders#ordersRoutes",
            "app '/admin' -> ./routes/admin#default",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "app: helmet",
            "app: rateLimit",
            "app: cors",
            "app: swagger",
            "app: app.authenticate",
        ]
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors: app.register(cors, { origin: true, credentials: true })",
            "PermissiveCors: app.register(cors, { origin: true, credentials: true })",
            "OpenApiGenerator: app.register(swagger)",
        ]
    );
}

#[test]
fn fastify_plugin_functions_are_routers() {
    let facts = facts_of(
        "src/routes/users.ts",
        r"import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

export default async function usersRoutes(app: FastifyInstance) {
  app.get('/', {
    preHandler: [app.authenticate],
    schema: { querystring: { type: 'object', properties: { limit: { type: 'integer' }, page: { type: 'integer' } } } },
  }, async (request, reply) => {
    return app.db.user.findMany({ take: request.query.limit });
  });
  app.post('/', {
    onRequest: app.authenticate,
    config: { rateLimit: { max: 5, timeWindow: '1 minute' } },
    schema: { body: UserBody, response: { 201: User, 400: Problem } },
  }, async (request, reply) => {
    const user = await app.db.user.create({ data: request.body });
    return reply.code(201).send(user);
  });
}

export const adminRoutes: FastifyPluginAsync = async (fastify) => {
  fastify.delete('/users/:id', { preHandler: fastify.auth([fastify.isAdmin]) }, removeUser);
  fastify.register(async (child) => {
    child.get('/stats', stats);
  }, { prefix: '/internal' });
};
",
    );
    assert_eq!(
        routers(&facts),
        [
            "usersRoutes fastify default",
            "adminRoutes fastify",
            "<plugin:22> fastify"
        ]
    );
    assert_eq!(
        routes(&facts),
        [
            "GET usersRoutes / - markers=[\"app.authenticate\"] params=[\"limit\", \"page\"]",
            "POST usersRoutes / - markers=[\"app.authenticate\", \"rateLimit: { max: 5, timeWindow: '1 minute' }\"] status=201",
            "DELETE adminRoutes /users/:id removeUser markers=[\"fastify.auth([fastify.isAdmin])\"]",
            "GET <plugin:22> /stats stats",
        ]
    );
    assert_eq!(
        mounts(&facts),
        ["adminRoutes '/internal' -> local:<plugin:22>"]
    );
}

#[test]
fn fastify_anonymous_default_plugin_and_fastify_plugin_wrapper() {
    let facts = facts_of(
        "routes/root.js",
        r"'use strict'
module.exports = async function (fastify, opts) {
  fastify.get('/', async function (request, reply) {
    return { root: true }
  })
}
",
    );
    assert_eq!(routers(&facts), ["<plugin:2> fastify default"]);
    assert_eq!(routes(&facts), ["GET <plugin:2> / -"]);

    let facts = facts_of(
        "src/plugins/health.ts",
        r"import fp from 'fastify-plugin';
export default fp(async (fastify) => {
  fastify.get('/health', async (req, reply) => { reply.status(200); return 'ok'; });
});
",
    );
    assert_eq!(routers(&facts), ["<plugin:2> fastify default"]);
    assert_eq!(routes(&facts), ["GET <plugin:2> /health - status=200"]);
}

// ----- NestJS ------------------------------------------------------------

#[test]
fn nest_controller_routes_markers_status_and_params() {
    let facts = facts_of(
        "src/users/users.controller.ts",
        r"import { Controller, Get, Post, Delete, Param, Query, Body, HttpCode, HttpStatus, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { Throttle, SkipThrottle } from '@nestjs/throttler';

@Controller({ path: 'users', version: '1' })
@UseGuards(AuthGuard('jwt'))
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @SkipThrottle()
  list(@Query('limit') limit: number, @Query('page') page = 1) {
    return this.users.findAll({ limit, page });
  }

  @Get('everything')
  everything(@Query() query: ListQueryDto) {
    return this.prisma.user.findMany();
  }

  @Post()
  @Throttle({ default: { limit: 5, ttl: 60000 } })
  @HttpCode(HttpStatus.CREATED)
  create(@Body() dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Version('2')
  remove(@Param('id') id: string) {
    return this.users.remove(id);
  }

  helper() {}
}
",
    );
    assert_eq!(
        routers(&facts),
        ["UsersController nestjs prefix=users markers=[\"version: '1'\", \"UseGuards(AuthGuard('jwt'))\"]"]
    );
    assert_eq!(
        routes(&facts),
        [
            "GET UsersController  list markers=[\"SkipThrottle()\"] params=[\"limit\", \"page\"]",
            "GET UsersController everything everything params=[\"ListQueryDto\"] reads=[\"this.prisma.user.findMany\"]",
            "POST UsersController  create markers=[\"Throttle({ default: { limit: 5, ttl: 60000 } })\", \"HttpCode(HttpStatus.CREATED)\"] status=201",
            "DELETE UsersController :id remove markers=[\"HttpCode(204)\", \"Version('2')\"] status=204",
        ]
    );
    assert!(facts.mounts.is_empty());
}

#[test]
fn nest_main_and_module_signals() {
    let facts = facts_of(
        "src/main.ts",
        r"import { NestFactory } from '@nestjs/core';
import { VersioningType } from '@nestjs/common';
import { SwaggerModule, DocumentBuilder } from '@nestjs/swagger';
import helmet from 'helmet';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.setGlobalPrefix('api');
  app.enableVersioning({ type: VersioningType.URI });
  app.use(helmet());
  app.enableCors({ origin: '*', credentials: true });
  app.useGlobalGuards(new JwtAuthGuard(reflector));
  const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
  SwaggerModule.setup('docs', app, document);
  await app.listen(3000);
}
bootstrap();
",
    );
    assert_eq!(routers(&facts), ["app nestjs app"]);
    assert_eq!(
        middleware(&facts),
        ["app: helmet()", "app: new JwtAuthGuard(reflector)"]
    );
    assert_eq!(
        signals(&facts),
        [
            "GlobalPrefix: api",
            "Versioning: app.enableVersioning({ type: VersioningType.URI })",
            "Cors: app.enableCors({ origin: '*', credentials: true })",
            "PermissiveCors: app.enableCors({ origin: '*', credentials: true })",
            "OpenApiGenerator: SwaggerModule.setup('docs', app, document)",
        ]
    );
    assert!(facts.routes.is_empty());

    let facts = facts_of(
        "src/app.module.ts",
        r"import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule, ThrottlerGuard } from '@nestjs/throttler';
@Module({
  imports: [TerminusModule, ThrottlerModule.forRoot([{ ttl: 60000, limit: 10 }])],
  controllers: [UsersController],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}
",
    );
    assert_eq!(
        signals(&facts),
        [
            "HealthLibrary: TerminusModule",
            "ServiceMarker: ThrottlerGuard"
        ]
    );

    let facts = facts_of(
        "src/main.ts",
        r"import { NestFactory } from '@nestjs/core';
const app = await NestFactory.create(AppModule, { cors: true });
app.enableCors();
",
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors: NestFactory.create(AppModule, { cors: true })",
            "DefaultCors: NestFactory.create(AppModule, { cors: true })",
            "Cors: app.enableCors()",
            "DefaultCors: app.enableCors()",
        ]
    );
}

// ----- Koa ---------------------------------------------------------------

#[test]
fn koa_app_and_routers() {
    let facts = facts_of(
        "src/app.js",
        r"const Koa = require('koa');
const Router = require('@koa/router');
const helmet = require('koa-helmet');
const users = require('./routes/users');

const app = new Koa();
const api = new Router({ prefix: '/api/v1' });

api.get('/health', (ctx) => { ctx.body = 'ok'; });
api.use('/users', users.routes(), users.allowedMethods());
api.post('/items', auth, async (ctx) => {
  ctx.status = 201;
  ctx.body = await Item.create(ctx.request.body);
});
api.get('/items', async (ctx) => {
  const { limit, offset } = ctx.query;
  ctx.body = await Item.findAll({ limit, offset });
});
api.del('/items/:id', auth, removeItem);

app.use(helmet());
app.use(api.routes());
app.use(api.allowedMethods());
app.listen(3000);
",
    );
    assert_eq!(routers(&facts), ["app koa app", "api koa prefix=/api/v1"]);
    assert_eq!(
        routes(&facts),
        [
            "GET api /health -",
            "POST api /items - markers=[\"auth\"] status=201",
            "GET api /items - params=[\"limit\", \"offset\"]",
            "DELETE api /items/:id removeItem markers=[\"auth\"]",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "api '/users' -> ./routes/users#default",
            "app '' -> local:api"
        ]
    );
    assert_eq!(
        middleware(&facts),
        ["app: helmet()", "app: api.allowedMethods()"]
    );
}

#[test]
fn koa_router_file_with_named_route_and_prefix_call() {
    let facts = facts_of(
        "routes/users.ts",
        r"import Router from 'koa-router';
const router = new Router();
router.prefix('/users');
router.get('user', '/:id', async (ctx) => { ctx.body = await User.findById(ctx.params.id); });
router.get('/', async (ctx) => { ctx.body = await User.find(); });
export default router;
",
    );
    assert_eq!(routers(&facts), ["router koa default prefix=/users"]);
    assert_eq!(
        routes(&facts),
        ["GET router /:id -", "GET router / - reads=[\"User.find\"]"]
    );
}

// ----- Hono --------------------------------------------------------------

#[test]
fn hono_app_routes_and_mounts() {
    let facts = facts_of(
        "src/index.ts",
        r"import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { cors } from 'hono/cors';
import { jwt } from 'hono/jwt';
import { serve } from '@hono/node-server';
import users from './routes/users';

const app = new Hono().basePath('/api');
app.use('*', secureHeaders());
app.use('/v1/*', cors());
app.use(logger());
app.get('/health', (c) => c.text('ok'));
app.post('/v1/posts', jwt({ secret: env.JWT_SECRET }), async (c) => {
  const post = await db.insert(posts).values(await c.req.json()).returning();
  return c.json(post, 201);
});
app.get('/v1/posts', async (c) => {
  const limit = Number(c.req.query('limit') ?? '20');
  const rows = await db.select().from(posts).limit(limit);
  return c.json(rows);
});
app.on(['PUT', 'PATCH'], '/v1/posts/:id', jwt({ secret: env.JWT_SECRET }), updatePost);
app.route('/v1/users', users);
serve({ fetch: app.fetch, port: 3000 });
",
    );
    assert_eq!(routers(&facts), ["app hono app prefix=/api"]);
    assert_eq!(
        routes(&facts),
        [
            "GET app /health -",
            "POST app /v1/posts - markers=[\"jwt({ secret: env.JWT_SECRET })\"] status=201",
            "GET app /v1/posts - params=[\"limit\"]",
            "PUT,PATCH app /v1/posts/:id updatePost markers=[\"jwt({ secret: env.JWT_SECRET })\"]",
        ]
    );
    assert_eq!(
        mounts(&facts),
        ["app '/v1/users' -> ./routes/users#default"]
    );
    assert_eq!(
        middleware(&facts),
        ["app: secureHeaders()", "app: cors()", "app: logger()"]
    );
    assert_eq!(signals(&facts), ["Cors: cors()", "DefaultCors: cors()"]);
}

#[test]
fn hono_sub_router_chained_and_default_exported() {
    let facts = facts_of(
        "src/routes/users.ts",
        r"import { Hono } from 'hono';
const users = new Hono()
  .get('/', (c) => c.json([]))
  .post('/', bearerAuth({ token }), (c) => c.json({}, 201));
export default users;
",
    );
    assert_eq!(routers(&facts), ["users hono default"]);
    assert_eq!(
        routes(&facts),
        [
            "GET users / -",
            "POST users / - markers=[\"bearerAuth({ token })\"] status=201",
        ]
    );
}

#[test]
fn hono_entry_file_without_serve_still_has_an_app() {
    let facts = facts_of(
        "src/index.ts",
        r"import { Hono } from 'hono';
const app = new Hono();
app.get('/', (c) => c.text('hi'));
export default app;
",
    );
    assert_eq!(routers(&facts), ["app hono app default"]);
}

// ----- robustness --------------------------------------------------------

#[test]
fn deeply_nested_input_does_not_overflow() {
    let depth = 50_000;
    let mut text =
        String::from("const express = require('express');\nconst app = express();\napp.get('/x', ");
    text.push_str(&"(".repeat(depth));
    text.push('h');
    text.push_str(&")".repeat(depth));
    text.push_str(");\n");
    let facts = facts_of("src/deep.js", &text);
    assert_eq!(routers(&facts), ["app express app"]);

    let mut calls = String::from("const express = require('express');\nconst app = express();\n");
    calls.push_str(&"app.get('/a', ".repeat(2_000));
    calls.push('h');
    calls.push_str(&")".repeat(2_000));
    let facts = facts_of("src/deep2.js", &calls);
    assert!(!facts.routes.is_empty());
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "app.get(",
        "const app = express(; app.get('/x', h)",
        "app.use('/x', ",
        "@Controller(\nclass X { @Get( m() {} }",
        "new Hono().get('/é', (c) => c.json({}, 201)).route('/ü', x)",
        "router.route('/x').get(",
        "fastify.register(",
        "module.exports = ",
        "export default new Router({ prefix: 5 })",
    ] {
        for path in ["src/x.ts", "src/x.js"] {
            let facts = facts_of(path, text);
            // Whatever is read from broken code is still well-formed.
            assert!(
                facts.routes.iter().all(|r| !r.methods.is_empty()),
                "{path}: {text}"
            );
        }
    }
    // Non-ASCII paths next to the cut points survive intact.
    let facts = facts_of(
        "src/x.ts",
        "import { Hono } from 'hono';\nconst app = new Hono().get('/é', (c) => c.json({}, 201));\n",
    );
    assert_eq!(facts.routes.len(), 1, "{facts:?}");
    assert_eq!(facts.routes[0].path, "/é");
    assert_eq!(facts.routes[0].status, Some(201));
}

#[test]
fn imported_middleware_used_without_a_path_is_not_a_mount() {
    let facts = facts_of(
        "src/routes/orders.js",
        r"import express from 'express';
import { requireAuth } from '../middleware/auth.js';
import routes from './routes/index.js';
import legacy from './legacy.js';
import audit from './audit.js';
const router = express.Router();
router.use(requireAuth);
router.use(routes);
router.use('/old', legacy);
router.use(audit);
router.get('/', async function listOrders(req, res) { res.json([]); });
export default router;
",
    );
    assert_eq!(
        mounts(&facts),
        [
            "router '' -> ./routes/index.js#default",
            "router '/old' -> ./legacy.js#default",
        ]
    );
    assert_eq!(middleware(&facts), ["router: requireAuth", "router: audit"]);
    assert_eq!(routes(&facts), ["GET router / listOrders"]);
}

#[test]
fn javascript_plugin_typed_in_jsdoc_is_fastify() {
    let facts = facts_of(
        "src/routes/products.js",
        r"/** @param {import('fastify').FastifyInstance} app */
export default async function productRoutes(app) {
  app.get('/', { schema: { querystring: listQuery } }, async function listProducts(request) {
    return db.findMany({ take: request.query.limit });
  });
}
",
    );
    assert_eq!(routers(&facts), ["productRoutes fastify default"]);
    assert_eq!(
        routes(&facts),
        ["GET productRoutes / listProducts params=[\"listQuery\", \"limit\"]"]
    );
}
