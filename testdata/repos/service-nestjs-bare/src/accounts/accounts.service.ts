import { Injectable } from '@nestjs/common';

export interface Account {
  id: string;
  name: string;
}

@Injectable()
export class AccountsService {
  private readonly accounts = new Map<string, Account>();

  list(): Account[] {
    return [...this.accounts.values()];
  }

  create(name: string): Account {
    const account = { id: String(this.accounts.size + 1), name };
    this.accounts.set(account.id, account);
    return account;
  }

  remove(id: string): void {
    this.accounts.delete(id);
  }
}
