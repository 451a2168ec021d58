// What each applied policy version said about domains, connections, teams and seats,
// written when the version is synced: `doorman plan` compares a folder against it.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('policy_snapshots', (t) => {
    t.bigIncrements('id');
    t.text('policy_version').notNullable();
    t.text('snapshot').notNullable();
    t.bigInteger('applied_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('policy_snapshots');
}
