import { Injectable, NotFoundException } from "@nestjs/common";
import { InjectRepository } from "@nestjs/typeorm";
import { MoreThanOrEqual, Repository } from "typeorm";
import { Order } from "./entities";

@Injectable()
export class OrdersService {
  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}

  list(status: string, take: number) {
    return this.orders.find({ where: { status }, order: { createdAt: "DESC" }, take });
  }

  forCustomer(customerId: number, take: number) {
    return this.orders.find({ where: { customerId }, order: { createdAt: "DESC" }, take });
  }

  async byReference(reference: string) {
    const order = await this.orders.findOneBy({ reference }); // expect: query-on-unindexed-column
    if (!order) {
      throw new NotFoundException();
    }
    return order;
  }

  large(minCents: number, take: number) {
    return this.orders.find({ where: { totalCents: MoreThanOrEqual(minCents) }, take }); // expect: query-on-unindexed-column
  }
}
