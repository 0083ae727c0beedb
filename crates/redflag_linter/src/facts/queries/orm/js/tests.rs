//! Prisma, TypeORM, Sequelize and Mongoose queries in realistic route
//! handlers and services, read through one-line summaries.

use super::super::support::{facts, summaries};

#[test]
fn prisma_find_many_with_filters_ordering_and_take() {
    let code = r#"
import { PrismaClient } from "@prisma/client";

const prisma = new PrismaClient();

export async function GET(request: Request) {
  const orders = await prisma.order.findMany({
    where: {
      status: "PAID",
      userId: session.user.id,
      AND: [{ total: { gte: 100 } }],
      OR: [{ region }, { country: { in: countries, mode: "insensitive" } }],
      customer: { email },
    },
    orderBy: [{ createdAt: "desc" }, { author: { name: "asc" } }],
    take: 20,
    cursor: { id: after },
    include: { items: true },
  });
  const all = await prisma.product.findMany();
  return Response.json({ orders, all });
}
"#;
    assert_eq!(
        summaries("app/api/orders/route.ts", code),
        [
            "prisma.order.findMany -> order: W:order.status W:order.userId J:order.customer W:order.total W:order.region W:order.country O:order.createdAt J:order.author W:order.id limited @GET",
            "prisma.product.findMany -> product: @GET",
        ]
    );
    let fact = &facts("app/api/orders/route.ts", code)[0];
    assert!(fact.location.text.starts_with("prisma.order.findMany({"));
}

#[test]
fn prisma_clients_by_any_name_and_single_row_methods() {
    let code = r#"
import { Injectable } from "@nestjs/common";
import { PrismaService } from "../prisma/prisma.service";

@Injectable()
export class UsersService {
  constructor(private readonly prisma: PrismaService) {}

  byEmail(email: string) {
    return this.prisma.user.findUnique({ where: { email } });
  }

  membership(userId: string, orgId: string) {
    return this.prisma.membership.findUniqueOrThrow({ where: { userId_orgId: { userId, orgId } } });
  }

  async close(ownerId: string) {
    await this.prisma.$transaction(async (tx) => {
      await tx.account.updateMany({ where: { ownerId, closedAt: null }, data: { closedAt: new Date() } });
      return tx.account.count({ where: { ownerId } });
    });
  }

  stats() {
    return this.prisma.order.groupBy({ by: ["status", "region"], where: { createdAt: { gte: since } }, _count: true });
  }
}
"#;
    assert_eq!(
        summaries("src/users/users.service.ts", code),
        [
            "this.prisma.user.findUnique -> user: W:user.email limited @byEmail",
            "this.prisma.membership.findUniqueOrThrow -> membership: W:membership.userId W:membership.orgId limited @membership",
            "tx.account.updateMany -> account: W:account.ownerId W:account.closedAt @close",
            "tx.account.count -> account: W:account.ownerId limited @close",
            "this.prisma.order.groupBy -> order: G:order.status G:order.region W:order.createdAt @stats",
        ]
    );
    // tRPC: `ctx.db` without an import of the client.
    let trpc = r#"
export const postRouter = createTRPCRouter({
  bySlug: publicProcedure.input(z.object({ slug: z.string() })).query(({ ctx, input }) => {
    return ctx.db.post.findFirst({ where: { slug: input.slug, published: true } });
  }),
});
"#;
    assert_eq!(
        summaries("src/server/api/routers/post.ts", trpc),
        ["ctx.db.post.findFirst -> post: W:post.slug W:post.published limited"]
    );
}

#[test]
fn prisma_queries_in_loops_and_map_callbacks() {
    let code = r#"
import { prisma } from "../db";

export async function notify(users) {
  for (const user of await prisma.user.findMany({ where: { active: true } })) {
    const unread = await prisma.message.count({ where: { recipientId: user.id, readAt: null } });
  }
  const owners = await Promise.all(ids.map((id) => prisma.user.findUnique({ where: { id } })));
  users.forEach(async function (u) {
    await prisma.audit.deleteMany({ where: { userId: u.id } });
  });
}
"#;
    assert_eq!(
        summaries("src/jobs/notify.js", code),
        [
            "prisma.user.findMany -> user: W:user.active @notify",
            "prisma.message.count -> message: W:message.recipientId W:message.readAt limited loop @notify",
            "prisma.user.findUnique -> user: W:user.id limited loop @notify",
            "prisma.audit.deleteMany -> audit: W:audit.userId loop @notify",
        ]
    );
}

#[test]
fn typeorm_repositories_managers_and_query_builders() {
    let code = r#"
import { Injectable } from "@nestjs/common";
import { InjectRepository } from "@nestjs/typeorm";
import { DataSource, EntityManager, In, Repository } from "typeorm";
import { Order } from "./order.entity";
import { User } from "../users/user.entity";

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly dataSource: DataSource,
  ) {}

  findRecent(userId: string) {
    return this.orders.find({
      where: { userId, status: In(["paid", "shipped"]), customer: { country: "FR" } },
      order: { createdAt: "DESC" },
      take: 10,
    });
  }

  findAll() {
    return this.orders.find();
  }

  byEmail(email: string) {
    return this.dataSource.getRepository(User).findOneBy({ email });
  }

  async search(q: string, status?: string) {
    const qb = this.orders
      .createQueryBuilder("o")
      .leftJoinAndSelect("o.customer", "c")
      .where("LOWER(c.name) LIKE :q", { q: `%${q}%` });
    if (status) {
      qb.andWhere("o.status = :status AND o.archived = false", { status });
    }
    return qb.orderBy("o.createdAt", "DESC").take(50).getMany();
  }

  countFor(manager: EntityManager, userId: string) {
    return manager.count(Order, { where: { user: { id: userId }, total: 0 } });
  }

  revenue() {
    return this.dataSource
      .createQueryBuilder()
      .select("SUM(o.total)", "sum")
      .from(Order, "o")
      .innerJoin(User, "u", "u.id = o.userId")
      .where("u.plan = :plan", { plan: "pro" })
      .groupBy("o.region")
      .getRawMany();
  }
}
"#;
    assert_eq!(
        summaries("src/orders/orders.service.ts", code),
        [
            "this.orders.find -> Order: W:Order.userId W:Order.status J:Order.customer O:Order.createdAt limited @findRecent",
            "this.orders.find -> Order: @findAll",
            "this.dataSource.getRepository(User).findOneBy -> User: W:User.email limited @byEmail",
            "this.orders.createQueryBuilder -> Order: J:Order.customer W:Order.status W:Order.archived O:Order.createdAt limited @search",
            "manager.count -> Order: J:Order.user W:Order.total limited @countFor",
            "this.dataSource.createQueryBuilder -> Order,User: J:User.id J:Order.userId W:User.plan G:Order.region @revenue",
        ]
    );
}

#[test]
fn typeorm_data_source_repositories_and_active_record() {
    let code = r#"
import { Router } from "express";
import { AppDataSource } from "../data-source";
import { User } from "../entity/User";
import { Photo } from "../entity/Photo";

const router = Router();
const userRepository = AppDataSource.getRepository(User);

router.get("/users/:id", async (req, res) => {
  const user = await userRepository.findOne({ where: { id: req.params.id }, relations: { photos: true } });
  const photos = await Photo.find({ where: { isPublished: true }, order: { views: "DESC" } });
  res.json({ user, photos });
});
"#;
    assert_eq!(
        summaries("src/routes/users.ts", code),
        [
            "userRepository.findOne -> User: W:User.id limited",
            "Photo.find -> Photo: W:Photo.isPublished O:Photo.views",
        ]
    );
}

#[test]
fn sequelize_finders_with_operators_order_and_includes() {
    let code = r#"
const express = require("express");
const { Op } = require("sequelize");
const { User, Order } = require("../models");

const router = express.Router();

router.get("/users", async (req, res) => {
  const users = await User.findAll({
    where: {
      status: "active",
      email: { [Op.like]: `%${req.query.q}%` },
      [Op.or]: [{ role: "admin" }, { plan: "pro" }],
      "$profile.city$": req.query.city,
    },
    order: [["createdAt", "DESC"], "name"],
    limit: 20,
    include: [{ model: Order, where: { total: { [Op.gt]: 100 } } }],
  });
  res.json(users);
});

async function cleanup(userId) {
  const user = await User.findByPk(userId);
  const open = await Order.count({ where: { userId: user.id } });
  await Order.update({ status: "void" }, { where: { expiresAt: { [Op.lt]: new Date() } } });
  await Order.destroy({ where: { status: "draft" } });
  const latest = await Order.findOne({ where: { userId }, order: [["createdAt", "DESC"]] });
  return { open, latest };
}

router.get("/orders", async (req, res) => res.json(await Order.findAll()));
"#;
    assert_eq!(
        summaries("src/routes/users.js", code),
        [
            "User.findAll -> User,Order: W:User.status W:User.email J:User.profile W:User.role W:User.plan O:User.createdAt O:User.name W:Order.total limited",
            "User.findByPk -> User: limited @cleanup",
            "Order.count -> Order: W:Order.userId limited @cleanup",
            "Order.update -> Order: W:Order.expiresAt @cleanup",
            "Order.destroy -> Order: W:Order.status @cleanup",
            "Order.findOne -> Order: W:Order.userId O:Order.createdAt limited @cleanup",
            "Order.findAll -> Order:",
        ]
    );
}

#[test]
fn mongoose_finders_marked_as_mongoose() {
    let code = r#"
const mongoose = require("mongoose");
const User = require("../models/user");

exports.list = async (req, res) => {
  const users = await User.find({
    role: "admin",
    "profile.country": req.query.country,
    age: { $gte: 18 },
    $or: [{ verified: true }, { invitedBy: { $exists: true } }],
  })
    .sort({ createdAt: -1 })
    .limit(20)
    .lean();
  const everyone = await User.find();
  const one = await User.findOne({ email: req.body.email });
  const byId = await User.findById(req.params.id);
  res.json({ users, everyone, one, byId });
};

exports.search = async (req, res) => {
  const query = User.find({ active: true });
  if (req.query.team) {
    query.where("team").equals(req.query.team);
  }
  res.json(await query.sort("-lastSeen name").exec());
};
"#;
    assert_eq!(
        summaries("src/controllers/users.js", code),
        [
            "mongoose:User.find -> User: W:User.role W:User.profile.country W:User.age W:User.verified W:User.invitedBy O:User.createdAt limited @list",
            "mongoose:User.find -> User: @list",
            "mongoose:User.findOne -> User: W:User.email limited @list",
            "mongoose:User.findById -> User: limited @list",
            "mongoose:User.find -> User: W:User.active W:User.team O:User.lastSeen O:User.name @search",
        ]
    );
}

#[test]
fn mongoose_models_injected_in_nest_services() {
    let code = r#"
import { Injectable } from "@nestjs/common";
import { InjectModel } from "@nestjs/mongoose";
import { Model } from "mongoose";
import { Cat, CatDocument } from "./schemas/cat.schema";

@Injectable()
export class CatsService {
  constructor(@InjectModel(Cat.name) private catModel: Model<CatDocument>) {}

  findByOwner(owner: string) {
    return this.catModel.find({ owner }).sort({ name: 1 }).exec();
  }
}
"#;
    assert_eq!(
        summaries("src/cats/cats.service.ts", code),
        ["mongoose:this.catModel.find -> Cat: W:Cat.owner O:Cat.name @findByOwner"]
    );
}

#[test]
fn filters_and_options_kept_in_local_constants() {
    let code = r#"
import { Prisma } from "@prisma/client";
import { prisma } from "~/server/db";

export async function searchPosts(q?: string, tag?: string) {
  const where: Prisma.PostWhereInput = { published: true };
  if (q) where.title = { contains: q, mode: "insensitive" };
  if (tag) where.tags = { some: { name: tag } };
  const args = { where, orderBy: { createdAt: "desc" as const } };
  const [posts, total] = await Promise.all([
    prisma.post.findMany({ where, take: 20 }),
    prisma.post.count({ where }),
  ]);
  const again = await prisma.post.findMany(args);
  return { posts, total, again };
}
"#;
    assert_eq!(
        summaries("src/server/posts.ts", code),
        [
            "prisma.post.findMany -> post: W:post.published W:post.title J:post.tags limited @searchPosts",
            "prisma.post.count -> post: W:post.published W:post.title J:post.tags limited @searchPosts",
            "prisma.post.findMany -> post: W:post.published W:post.title J:post.tags O:post.createdAt @searchPosts",
        ]
    );
    let mongo = r#"
const Task = require("../models/task");

exports.list = async (req, res) => {
  const filter = { owner: req.user.id };
  if (req.query.status) filter.status = req.query.status;
  res.json(await Task.find(filter).sort({ dueAt: 1 }));
};
"#;
    assert_eq!(
        summaries("src/controllers/tasks.js", mongo),
        ["mongoose:Task.find -> Task: W:Task.owner W:Task.status O:Task.dueAt @list"]
    );
}

#[test]
fn lookalikes_stay_silent() {
    let code = r#"
import { Roles } from "./roles";
import { db } from "./dexie";
import { eq } from "drizzle-orm";
import { drizzleDb } from "./drizzle";

export class Cart {
  items = [];
  find(id) {
    return this.items.find((i) => i.id === id);
  }
}

export async function helpers(users, cache) {
  const active = users.filter((u) => u.active);
  const admin = users.find((u) => u.role === "admin");
  const cached = cache.get("orders");
  const seen = new Map();
  seen.get("x");
  const key = Object.keys(cache).find((k) => k.startsWith("o"));
  const role = Roles.find((r) => r.id === admin.roleId);
  const young = await db.friends.where("age").below(30).toArray();
  const total = await db.friends.count();
  const rows = await drizzleDb.select().from(usersTable).where(eq(usersTable.email, "a"));
  const first = await drizzleDb.query.users.findFirst({ where: eq(usersTable.id, 1) });
  return [active, admin, cached, key, role, young, total, rows, first];
}
"#;
    assert!(
        summaries("src/lib/helpers.ts", code).is_empty(),
        "{:?}",
        summaries("src/lib/helpers.ts", code)
    );
}

#[test]
fn unrelated_files_are_not_parsed() {
    use crate::source::SourceFile;
    let file = SourceFile::new(
        "src/math.ts".into(),
        redflag_syntax::FileKind::TypeScript,
        "export const add = (a: number, b: number) => a + b;\n".into(),
        None,
    );
    assert!(super::collect(&file).is_empty());
    assert!(!file.was_parsed());
}

#[test]
fn writes_are_not_reads() {
    let code = r#"
import { PrismaClient } from "@prisma/client";
const prisma = new PrismaClient();

export async function closeAccounts(ownerId: string) {
  const open = await prisma.account.findMany({ where: { ownerId } });
  await prisma.account.updateMany({ where: { ownerId }, data: { closedAt: new Date() } });
  await prisma.account.deleteMany({ where: { ownerId, balance: 0 } });
  return open;
}
"#;
    let found = facts("src/accounts.ts", code);
    let reads: Vec<(&str, bool)> = found.iter().map(|f| (f.api.as_str(), f.reads)).collect();
    assert_eq!(
        reads,
        [
            ("prisma.account.findMany", true),
            ("prisma.account.updateMany", false),
            ("prisma.account.deleteMany", false)
        ]
    );
}
