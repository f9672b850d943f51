import { sql, type Kysely } from 'kysely';

/**
 * Units gain a kind (a government, a petition bureau or a department, so the
 * body with authority is a unit rather than free text), the body that reviews
 * their answers one level up (Arts 35-36; null: the parent) and a short name
 * for readable case numbers (`扶信`). Every unit stored so far is a division.
 *
 * `case_units` holds every unit a case has passed through (registering unit,
 * transferring bureaus, handling bodies, review bodies): a case is visible in
 * the subtree of any of them. It is filled from the cases' own unit, their
 * current assignee and every unit the trail ever assigned them to, so a case
 * keeps the visibility it would have had if the table had always existed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('units')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('division'))
    .addColumn('review_body', 'text')
    .addColumn('short_name', 'text')
    .execute();
  // The kind is data, never read from the code; but a division keeps its administrative code (digits only)
  // and a bureau or department is its division's code plus `-NN`, so the code-prefix subtree stays right.
  await sql`
    alter table units
      add constraint units_kind_check check (kind in ('division', 'bureau', 'department')),
      add constraint units_level_check check (level in ('province', 'city', 'county', 'township', 'village')),
      add constraint units_code_kind_check check (
        (kind = 'division' and code ~ '^[0-9]{6}([0-9]{3}([0-9]{3})?)?$')
        or (kind <> 'division' and code ~ '^[0-9]{6}-[0-9]{2}$'))`.execute(db);

  await db.schema
    .createTable('case_units')
    .addColumn('case_id', 'uuid', (c) => c.notNull().references('cases.id'))
    .addColumn('unit', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('case_units_pk', ['case_id', 'unit'])
    .execute();
  // A scoped list starts from the units of the viewer's subtree (prefix match), then reaches the cases.
  await sql`create index case_units_unit_idx on case_units (unit text_pattern_ops, case_id)`.execute(db);
  await sql`
    insert into case_units (case_id, unit)
    select id, unit from cases
    union select id, assignee_unit from cases where assignee_unit is not null
    union select case_id, fields->>'unit' from case_events
      where type in ('ASSIGN', 'REASSIGN') and jsonb_typeof(fields->'unit') = 'string'
    on conflict do nothing`.execute(db);
}

/** Back to units without kinds; the passage record is dropped (scope falls back to the case's columns). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('case_units').execute();
  // Bureaus and departments have no place in a tree of divisions only.
  await sql`delete from units where kind <> 'division'`.execute(db);
  await sql`
    alter table units
      drop constraint units_code_kind_check,
      drop constraint units_level_check,
      drop constraint units_kind_check`.execute(db);
  await db.schema.alterTable('units').dropColumn('short_name').dropColumn('review_body').dropColumn('kind').execute();
}
