// SCIM 2.0 resources. A SCIM user is a side row of a Doorman user: the resource as
// the IdP last wrote it (JSON, so that attributes Doorman does not use round-trip)
// and the attributes filters may name as columns, with the indexes the compiled
// filters use (lower(col) for the case-insensitive ones). SCIM groups are rows of
// their own; a group mapped to a team gives its members that team.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_users', (t) => {
    t.text('id').notNullable().primary();
    t.text('user_id').notNullable().unique().references('id').inTable('users').onDelete('CASCADE');
    t.text('connection_id').notNullable();
    t.text('account_id').notNullable();
    t.text('external_id').nullable();
    t.text('user_name').notNullable();
    t.text('display_name').nullable();
    t.text('given_name').nullable();
    t.text('family_name').nullable();
    t.text('formatted_name').nullable();
    t.text('title').nullable();
    t.text('department').nullable();
    t.text('employee_number').nullable();
    t.text('manager_id').nullable();
    t.text('resource').notNullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['connection_id', 'created_at', 'id']);
    t.index(['connection_id', 'external_id']);
  });
  await knex.raw('CREATE UNIQUE INDEX scim_users_user_name ON scim_users (connection_id, lower(user_name))');
  await knex.raw('CREATE INDEX scim_users_display_name ON scim_users (connection_id, lower(display_name))');
  await knex.raw('CREATE INDEX scim_users_employee_number ON scim_users (connection_id, lower(employee_number))');

  await knex.schema.createTable('scim_user_emails', (t) => {
    t.text('scim_id').notNullable().references('id').inTable('scim_users').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.text('value').notNullable();
    t.text('type').nullable();
    t.boolean('is_primary').notNullable().defaultTo(false);
    t.primary(['scim_id', 'position']);
  });
  await knex.raw('CREATE INDEX scim_user_emails_value ON scim_user_emails (lower(value))');

  await knex.schema.createTable('scim_groups', (t) => {
    t.text('id').notNullable().primary();
    t.text('connection_id').notNullable();
    t.text('account_id').notNullable();
    t.text('display_name').notNullable();
    t.text('external_id').nullable();
    // The team the group maps to when it was last written; null: a group without a team.
    t.text('team_id').nullable();
    t.bigInteger('created_at').notNullable();
    t.bigInteger('updated_at').notNullable();
    t.index(['connection_id', 'created_at', 'id']);
    t.index(['connection_id', 'external_id']);
  });
  await knex.raw('CREATE UNIQUE INDEX scim_groups_display_name ON scim_groups (connection_id, lower(display_name))');

  await knex.schema.createTable('scim_group_members', (t) => {
    t.text('group_id').notNullable().references('id').inTable('scim_groups').onDelete('CASCADE');
    t.text('scim_id').notNullable().references('id').inTable('scim_users').onDelete('CASCADE');
    t.primary(['group_id', 'scim_id']);
    t.index(['scim_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_group_members');
  await knex.schema.dropTable('scim_groups');
  await knex.schema.dropTable('scim_user_emails');
  await knex.schema.dropTable('scim_users');
}
