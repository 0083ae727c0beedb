import { MigrationInterface, QueryRunner } from "typeorm";

/** Built without locking writes: runs outside a transaction. */
export class OrderStatusIndex1712000000000 implements MigrationInterface {
  transaction = false as const;

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX CONCURRENTLY "orders_status_idx" ON "orders" ("status")`);
  }

  public async down(): Promise<void> {} // expect: migration-without-down
}
