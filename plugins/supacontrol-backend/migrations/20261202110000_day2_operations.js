// @ts-check

/**
 * Day-2 operations: deletion protection, the restart stamps a restart request leaves (JSON, by
 * component or `all`, given to the chart as `restarts`), and the rotation counters of the
 * instance Secret's credentials (JSON `{jwt, dashboard}`; the Secret records which it has
 * applied).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.boolean('deletion_protection').notNullable().defaultTo(false);
    table.text('restarts').nullable();
    table.text('rotations').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('deletion_protection');
    table.dropColumn('restarts');
    table.dropColumn('rotations');
  });
};
