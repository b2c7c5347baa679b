// @ts-check

/**
 * The cluster each instance was placed on, and that cluster's region. Instances made before
 * there were several clusters are on `default`, the name `supacontrol.kubernetes` stands for.
 * The index serves each cluster's reconciler (claims by cluster) and placement's count of live
 * instances per cluster.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('instances', table => {
    table.string('cluster', 32).notNullable().defaultTo('default');
    table.string('region', 32).notNullable().defaultTo('default');
    table.index(['cluster', 'deleted_at'], 'instances_cluster_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('instances', table => {
    table.dropIndex(['cluster', 'deleted_at'], 'instances_cluster_idx');
    table.dropColumn('cluster');
    table.dropColumn('region');
  });
};
