import { PrismaClient } from "@prisma/client";

// One client per process: it owns the connection pool.
export const prisma = new PrismaClient();
