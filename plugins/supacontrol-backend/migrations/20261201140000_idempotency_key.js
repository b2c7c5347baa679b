// @ts-check

/**
 * The Idempotency-Key a create request came with, so that a client that lost the answer (a
 * crashed scaffolder task, a retried CI job) can repeat the request and get the same instance.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.string('idempotency_key', 255).nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('idempotency_key');
  });
};
