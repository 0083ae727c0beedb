import { Controller, DefaultValuePipe, Get, Param, ParseIntPipe, Query, UseGuards } from "@nestjs/common";
import { AuthGuard } from "@nestjs/passport";
import { OrdersService } from "./orders.service";

@Controller("orders")
@UseGuards(AuthGuard("jwt"))
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get()
  list(
    @Query("status", new DefaultValuePipe("pending")) status: string,
    @Query("limit", new DefaultValuePipe(20), ParseIntPipe) limit: number,
  ) {
    return this.orders.list(status, Math.min(limit, 100));
  }

  @Get("large")
  large(
    @Query("min", ParseIntPipe) min: number,
    @Query("limit", new DefaultValuePipe(20), ParseIntPipe) limit: number,
  ) {
    return this.orders.large(min, Math.min(limit, 100));
  }

  @Get("by-customer/:customerId")
  forCustomer(
    @Param("customerId", ParseIntPipe) customerId: number,
    @Query("limit", new DefaultValuePipe(20), ParseIntPipe) limit: number,
  ) {
    return this.orders.forCustomer(customerId, Math.min(limit, 100));
  }

  @Get(":reference")
  byReference(@Param("reference") reference: string) {
    return this.orders.byReference(reference);
  }
}
