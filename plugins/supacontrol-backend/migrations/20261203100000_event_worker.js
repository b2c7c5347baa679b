// @ts-check

/**
 * Which reconciler replica wrote an event (its lease owner id; empty for API events). Lets the
 * history show how the work was shared between replicas (bench/lifecycle.ts reads it).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instance_events', table => {
    table.string('worker', 100).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instance_events', table => {
    table.dropColumn('worker');
  });
};
