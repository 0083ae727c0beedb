/**
 * @param { import("knex").Knex } knex
 * @returns { Promise<void> }
 */
exports.up = async function (knex) {
  await knex.schema.alterTable('invoices', (table) => {
    table.string('status', 16).notNullable().defaultTo('open');
    table.timestamp('paid_at');
  });
  await knex.raw('CREATE INDEX CONCURRENTLY invoices_paid_at_idx ON invoices (paid_at)');
};

exports.down = function () {}; // expect: migration-without-down

exports.config = { transaction: false };
