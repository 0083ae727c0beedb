import { Controller, Get, Module, VERSION_NEUTRAL } from "@nestjs/common";
import { APP_GUARD } from "@nestjs/core";
import { ThrottlerGuard, ThrottlerModule } from "@nestjs/throttler";
import { TypeOrmModule } from "@nestjs/typeorm";
import { Coupon, Customer, Order } from "./orders/entities";
import { OrdersController } from "./orders/orders.controller";
import { OrdersService } from "./orders/orders.service";

@Controller({ path: "healthz", version: VERSION_NEUTRAL })
export class HealthController {
  @Get()
  check() {
    return { status: "ok" };
  }
}

@Module({
  imports: [
    ThrottlerModule.forRoot([{ ttl: 60_000, limit: 100 }]),
    TypeOrmModule.forRoot({
      type: "postgres",
      url: process.env.DATABASE_URL,
      entities: [Customer, Coupon, Order],
      migrations: ["dist/migrations/*.js"],
      migrationsRun: true,
    }),
    TypeOrmModule.forFeature([Customer, Order]),
  ],
  controllers: [HealthController, OrdersController],
  providers: [OrdersService, { provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class AppModule {}
