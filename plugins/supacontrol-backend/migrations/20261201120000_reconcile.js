// @ts-check

/**
 * Bookkeeping of the reconciler: a lease per instance (so one replica at a time works on it),
 * consecutive failures and the time of the next attempt (exponential backoff).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.string('lease_owner', 64).nullable();
    table.timestamp('lease_until', { useTz: true }).nullable();
    table.integer('failure_count').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('lease_until');
    table.dropColumn('failure_count');
    table.dropColumn('next_attempt_at');
  });
};
