// @ts-check

/**
 * Instances, their history and plugin API keys.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('instances', table => {
    table.uuid('id').primary();
    table.string('name', 63).notNullable();
    table.string('namespace', 63).notNullable();
    table.string('owner', 255).notNullable();
    table.string('created_by', 255).notNullable();
    table.string('plan', 63).notNullable();
    table.string('chart_name', 255).notNullable();
    table.string('chart_version', 63).notNullable();
    table.string('status', 32).notNullable();
    table.string('desired_state', 32).notNullable();
    table.integer('generation').notNullable().defaultTo(1);
    table.integer('observed_generation').notNullable().defaultTo(0);
    table.text('conditions').notNullable().defaultTo('[]');
    table.text('components').notNullable().defaultTo('[]');
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    table.index(['owner'], 'instances_owner_idx');
    table.index(['status'], 'instances_status_idx');
  });
  // A name is unique among instances that are not deleted; deleted records stay for history.
  await knex.raw(
    'CREATE UNIQUE INDEX instances_name_live_idx ON instances (name) WHERE deleted_at IS NULL',
  );

  await knex.schema.createTable('instance_events', table => {
    table.uuid('id').primary();
    table
      .uuid('instance_id')
      .nullable()
      .references('id')
      .inTable('instances')
      .onDelete('CASCADE');
    table.string('instance_name', 63).notNullable();
    table.string('actor', 255).notNullable();
    table.string('action', 63).notNullable();
    table.string('from_status', 32).nullable();
    table.string('to_status', 32).nullable();
    table.text('message').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['instance_id', 'created_at'], 'instance_events_instance_idx');
  });

  await knex.schema.createTable('api_keys', table => {
    table.string('id', 32).primary();
    table.string('name', 100).notNullable();
    table.string('owner', 255).notNullable();
    // The owner's ownership entity refs when the key was created: what the key may act on.
    table.text('ownership_refs').notNullable();
    table.string('prefix', 64).notNullable();
    table.string('secret_hash', 100).notNullable();
    table.text('scopes').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('last_used_at', { useTz: true }).nullable();
    table.timestamp('revoked_at', { useTz: true }).nullable();
    table.index(['owner'], 'api_keys_owner_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('api_keys');
  await knex.schema.dropTable('instance_events');
  await knex.schema.dropTable('instances');
};
