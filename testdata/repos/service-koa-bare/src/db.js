// An in-memory store standing in for the database client.
const rows = new Map();
let nextId = 1;

const db = {
  async findMany({ take, skip }) {
    return [...rows.values()].slice(skip, skip + take);
  },
  async findById(id) {
    return rows.get(id) ?? null;
  },
  async create(data) {
    const row = { id: String(nextId++), ...data };
    rows.set(row.id, row);
    return row;
  },
  async remove(id) {
    rows.delete(id);
  },
};

module.exports = { db };
