import { Router } from "express";
import type { OrderStatus } from "@prisma/client";
import { prisma } from "./db";

const router = Router();

function pageSize(raw: unknown): number {
  return Math.min(Math.max(Number(raw) || 20, 1), 100);
}

router.get("/", async (req, res) => {
  const status = String(req.query.status ?? "PENDING") as OrderStatus;
  const orders = await prisma.order.findMany({ where: { status }, orderBy: { createdAt: "desc" }, take: pageSize(req.query.limit) }); // expect: query-on-unindexed-column
  res.json({ data: orders });
});

router.get("/recent", async (req, res) => {
  const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
  const orders = await prisma.order.findMany({
    where: { createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    take: pageSize(req.query.limit),
  });
  res.json({ data: orders });
});

router.get("/:id/items", async (req, res) => {
  const items = await prisma.orderItem.findMany({ where: { orderId: Number(req.params.id) }, take: 100 });
  res.json({ data: items });
});

router.get("/items/by-sku/:sku", async (req, res) => {
  const items = await prisma.orderItem.findMany({ where: { sku: req.params.sku }, take: pageSize(req.query.limit) }); // expect: query-on-unindexed-column
  res.json({ data: items });
});

router.get("/customers/:email", async (req, res) => {
  const customer = await prisma.customer.findUnique({ where: { email: req.params.email } });
  if (!customer) {
    res.status(404).json({ error: "not found" });
    return;
  }
  res.json(customer);
});

export default router;
