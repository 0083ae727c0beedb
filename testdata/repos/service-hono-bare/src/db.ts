// An in-memory store standing in for the database client.
const rows = new Map<string, Record<string, unknown>>();
let nextId = 1;

export const db = {
  async findMany({ take, skip }: { take: number; skip: number }) {
    return [...rows.values()].slice(skip, skip + take);
  },
  async findById(id: string) {
    return rows.get(id) ?? null;
  },
  async create(data: Record<string, unknown>) {
    const row = { id: String(nextId++), ...data };
    rows.set(row.id, row);
    return row;
  },
  async remove(id: string) {
    rows.delete(id);
  },
};
