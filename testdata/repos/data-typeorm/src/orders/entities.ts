import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
} from "typeorm";

@Entity({ name: "customers" })
export class Customer {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ unique: true })
  email!: string;

  @OneToMany(() => Order, (order) => order.customer)
  orders!: Order[];
}

@Entity({ name: "coupons" })
export class Coupon {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ length: 32, unique: true })
  code!: string;
}

@Entity({ name: "orders" })
@Index(["customerId", "createdAt"])
export class Order {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ length: 40 })
  reference!: string;

  @Column({ length: 16, default: "pending" })
  status!: string;

  @Column({ name: "total_cents", type: "int" })
  totalCents!: number;

  @Index()
  @CreateDateColumn({ name: "created_at", type: "timestamptz" })
  createdAt!: Date;

  @Column({ name: "customer_id" })
  customerId!: number;

  @ManyToOne(() => Customer, (customer) => customer.orders, { nullable: false })
  @JoinColumn({ name: "customer_id" })
  customer!: Customer;

  @ManyToOne(() => Coupon, { nullable: true }) // expect: foreign-key-without-index
  coupon?: Coupon;
}
