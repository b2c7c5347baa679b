// @ts-check

/**
 * API keys act with their owner's ownership as the catalog says at each use, so the snapshot
 * taken at creation goes. Keys without an expiry get one 90 days from now: keys that never expire
 * are now for admins to create on purpose, not the default they used to be.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.dropColumn('ownership_refs');
  });
  await knex('api_keys')
    .whereNull('expires_at')
    .whereNull('revoked_at')
    .update({ expires_at: new Date(Date.now() + 90 * 24 * 3600 * 1000) });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('api_keys', table => {
    table.text('ownership_refs').notNullable().defaultTo('[]');
  });
};
