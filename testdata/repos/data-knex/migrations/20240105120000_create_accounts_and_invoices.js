/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = function (knex) {
  return knex.schema
    .createTable('accounts', (table) => {
      table.increments('id');
      table.string('email', 255).notNullable().unique();
      table.string('plan', 32).notNullable().defaultTo('free');
      table.timestamps(true, true);
    })
    .createTable('invoices', (table) => {
      table.bigIncrements('id');
      table.integer('account_id').unsigned().notNullable().references('id').inTable('accounts').onDelete('CASCADE'); // expect: foreign-key-without-index
      table.string('number', 32).notNullable().unique();
      table.integer('amount_cents').notNullable();
      table.timestamp('due_at').notNullable();
      table.timestamps(true, true);
      table.index(['due_at', 'amount_cents']);
    });
};

/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.down = function (knex) {
  return knex.schema.dropTable('invoices').dropTable('accounts');
};
