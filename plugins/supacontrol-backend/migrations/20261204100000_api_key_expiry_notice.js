// @ts-check

/**
 * When the owner of an API key was told that it expires soon, so that they are told once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.timestamp('expiry_notified_at', { useTz: true }).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.dropColumn('expiry_notified_at');
  });
};
