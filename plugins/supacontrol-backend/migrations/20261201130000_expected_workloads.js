// @ts-check

/**
 * The Deployments and StatefulSets the installed release consists of (from its manifest), so that
 * an instance is Running only when every one of them exists and is Ready, not merely the ones that
 * happen to exist already.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.text('expected_workloads').nullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropColumn('expected_workloads');
  });
};
