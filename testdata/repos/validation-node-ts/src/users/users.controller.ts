import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CreateUserDto, UpdateUserDto } from './dto';
import { User } from './user.entity';

@Controller('users')
export class UsersController {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  // Bad: an untyped body saved as the entity.
  @Post()
  create(@Body() body: any) {
    return this.users.save(body); // expect: mass-assignment
  }

  // Fix: a DTO class, validated and whitelisted by the ValidationPipe in main.ts.
  @Post('v2')
  createV2(@Body() dto: CreateUserDto) {
    return this.users.save(this.users.create(dto));
  }

  // Bad: an untyped body merged into the entity.
  @Patch(':id')
  async update(@Param('id') id: string, @Body() changes: Record<string, unknown>) {
    const user = await this.users.findOneByOrFail({ id });
    this.users.merge(user, changes); // expect: mass-assignment
    return this.users.save(user);
  }

  // Bad: a loosely typed field decides the flow.
  @Post(':id/role')
  async setRole(@Param('id') id: string, @Body('role') role) {
    if (role === 'admin') { // expect: unvalidated-request-body
      await this.users.update(id, { isAdmin: true });
    }
  }

  // Fix: a typed DTO for the change.
  @Patch('v2/:id')
  async updateV2(@Param('id') id: string, @Body() dto: UpdateUserDto) {
    await this.users.update(id, dto);
    return this.users.findOneByOrFail({ id });
  }
}
