import { sql, type Selectable, type Transaction } from 'kysely';
import type { CaseEventRecord } from './case-event.repository';
import { caseFactsCte, type CaseFacts } from './case-facts.sql';
import { caseRecordOf, intakeEntryColumn, type CaseRecord } from './case.repository';
import { scopeUnitsOf } from './case-scope.sql';
import { deadlineRecordOf, type DeadlineRecord, type NewDeadline } from './deadline.repository';
import type { OverdueFrom } from './open-case.sql';
import type { Database, DeadlinesTable } from './schema';

/** The fields of a deadline row a command may change, as the command leaves them. */
export type DeadlineState = Pick<
  DeadlineRecord,
  'id' | 'status' | 'dueAt' | 'reminders' | 'remindersSent' | 'pausedAt' | 'extendedBy' | 'updatedAt'
>;

/** Everything one committed event writes: the case row, the trail entry, the case's units and the deadline rows. */
export interface TransitionWrite {
  /** The case row as the event leaves it. */
  readonly case: CaseRecord;
  /** The version the case was read (and locked) at; `null` for a new case, which is inserted. */
  readonly fromVersion: number | null;
  readonly event: CaseEventRecord;
  /** The units the case is passing through after the event; recorded in `case_units` unless already there. */
  readonly units: readonly string[];
  readonly newDeadlines: readonly NewDeadline[];
  readonly changedDeadlines: readonly DeadlineState[];
  /** `cases.overdue_from` as the event leaves the case's deadlines (`overdueFromOf` of its rows after the event). */
  readonly overdueFrom: OverdueFrom;
  /**
   * The case's statistics facts as the event leaves them (each machine adapter's `facts`, machines/case-facts.ts);
   * null when the event leaves them as they were (the stored row, written with every earlier step, stays).
   */
  readonly facts: CaseFacts | null;
  /** `case.snapshot` as JSON, when the planner serialised it already (for its digest): written as is, not serialised again. */
  readonly snapshotJson?: string | undefined;
}

/**
 * Locks the cases the given deadline rows belong to, in id order so that two
 * batches never wait on each other in opposite orders, and returns them.
 */
export async function lockCasesOfDeadlines(trx: Transaction<Database>, deadlineIds: readonly string[]): Promise<CaseRecord[]> {
  if (deadlineIds.length === 0) return [];
  const rows = await trx
    .selectFrom('cases')
    .selectAll('cases')
    .select(intakeEntryColumn)
    .where('id', 'in', (eb) => eb.selectFrom('deadlines').select('case_id').where('id', 'in', deadlineIds))
    .orderBy('id')
    .forUpdate()
    .execute();
  return rows.map(caseRecordOf);
}

const json = (v: unknown) => JSON.stringify(v);
const iso = (reminders: readonly Date[]) => json(reminders.map((t) => t.toISOString()));
const overdueFroms = (writes: readonly TransitionWrite[]) => writes.map((w) => w.overdueFrom);
/** Each write's units as one text (unit codes hold no space), for `unnest`: an array of arrays would be flattened. */
const unitLists = (writes: readonly TransitionWrite[]) => writes.map((w) => w.units.join(' '));
/** The units of the `unnest` row `v`'s list (see {@link unitLists}), each once. */
const listedUnits = sql`select distinct unnest(string_to_array(v.units, ' '))`;

/**
 * Writes any number of events of distinct cases in one statement (one round
 * trip whatever the batch size): trail entries, case rows (updated under the
 * version each was locked at, or inserted, with `scope_units` as `case_units`
 * will hold), the units each case passes through (`case_units`, kept once),
 * new and changed deadline rows.
 * Returns the deadline rows as stored, with the next fire times the database
 * computes. The caller holds the locks of every updated case.
 */
export async function writeTransitions(trx: Transaction<Database>, writes: readonly TransitionWrite[]): Promise<DeadlineRecord[]> {
  if (writes.length === 0) return [];
  const events = writes.map((w) => w.event);
  const insertedWrites = writes.filter((w) => w.fromVersion === null);
  const inserted = insertedWrites.map((w) => w.case);
  const updated = writes.filter((w) => w.fromVersion !== null);
  const added = writes.flatMap((w) => w.newDeadlines);
  const changed = writes.flatMap((w) => w.changedDeadlines);
  const passages = writes.flatMap((w) => w.units.map((unit) => ({ caseId: w.case.id, unit })));
  // Only the parts this batch needs: PostgreSQL parses and plans the statement on every call.
  const ctes = [
    sql`
    ev as (
      insert into case_events (case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash, state_after, snapshot_hash)
      select case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, decode(hash, 'hex'), state_after,
        decode(snapshot_hash, 'hex')
      from unnest(
        ${events.map((e) => e.caseId)}::uuid[], ${events.map((e) => e.seq)}::int[], ${events.map((e) => e.type)}::text[],
        ${events.map((e) => json(e.fields))}::jsonb[], ${events.map((e) => e.actor.id)}::text[], ${events.map((e) => e.actor.role)}::text[],
        ${events.map((e) => e.actor.unit)}::text[], ${events.map((e) => e.at)}::timestamptz[], ${events.map((e) => e.machineVersion)}::int[],
        ${events.map((e) => e.hash)}::text[], ${events.map((e) => e.after?.state ?? null)}::text[],
        ${events.map((e) => e.after?.snapshot ?? null)}::text[]
      ) as v(case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash, state_after, snapshot_hash)
    )`,
  ];
  const written: string[] = [];
  const stored: string[] = [];
  if (passages.length > 0) {
    // A new case's row is inserted by a sibling CTE: the foreign key is checked at the end of the statement.
    ctes.push(sql`
    un as (
      insert into case_units (case_id, unit)
      select * from unnest(${passages.map((p) => p.caseId)}::uuid[], ${passages.map((p) => p.unit)}::text[])
      on conflict do nothing
    )`);
  }
  if (inserted.length > 0) {
    written.push('ci');
    ctes.push(sql`
    ci as (
      insert into cases (id, unit, assignee_unit, state, channel, listed, version, machine_version, snapshot, last_hash, created_at, updated_at, number,
        overdue_from, scope_units)
      select id, unit, assignee_unit, state, channel, listed, version, machine_version, snapshot, decode(last_hash, 'hex'), created_at,
        updated_at, number, overdue_from, ${scopeUnitsOf(listedUnits)}
      from unnest(
        ${inserted.map((c) => c.id)}::uuid[], ${inserted.map((c) => c.unit)}::text[], ${inserted.map((c) => c.assigneeUnit)}::text[],
        ${inserted.map((c) => c.state)}::text[], ${inserted.map((c) => c.channel)}::text[], ${inserted.map((c) => c.listed)}::boolean[],
        ${inserted.map((c) => c.version)}::int[], ${inserted.map((c) => c.machineVersion)}::int[], ${inserted.map((c) => json(c.snapshot))}::jsonb[],
        ${inserted.map((c) => c.lastHash)}::text[], ${inserted.map((c) => c.createdAt)}::timestamptz[], ${inserted.map((c) => c.updatedAt)}::timestamptz[],
        ${inserted.map((c) => c.number)}::text[], ${overdueFroms(insertedWrites)}::timestamptz[], ${unitLists(insertedWrites)}::text[]
      ) as v(id, unit, assignee_unit, state, channel, listed, version, machine_version, snapshot, last_hash, created_at, updated_at, number,
        overdue_from, units)
      returning id
    )`);
  }
  if (updated.length > 0) {
    written.push('cu');
    ctes.push(sql`
    cu as (
      update cases c set state = v.state, assignee_unit = v.assignee_unit, listed = v.listed, version = v.version,
        snapshot = v.snapshot, last_hash = decode(v.last_hash, 'hex'), updated_at = v.updated_at,
        overdue_from = v.overdue_from,
        -- What case_units holds once the sibling CTE has inserted the event's units: as it was when the event adds
        -- none (most events), else the units recorded and the event's.
        scope_units = case when string_to_array(c.scope_units, ' ') @> string_to_array(v.units, ' ') then c.scope_units
          else ${scopeUnitsOf(sql`select unit from case_units where case_id = c.id union ${listedUnits}`)} end
      from unnest(
        ${updated.map((w) => w.case.id)}::uuid[], ${updated.map((w) => w.fromVersion)}::int[], ${updated.map((w) => w.case.state)}::text[],
        ${updated.map((w) => w.case.assigneeUnit)}::text[], ${updated.map((w) => w.case.listed)}::boolean[], ${updated.map((w) => w.case.version)}::int[],
        ${updated.map((w) => w.snapshotJson ?? json(w.case.snapshot))}::jsonb[], ${updated.map((w) => w.case.lastHash)}::text[],
        ${updated.map((w) => w.case.updatedAt)}::timestamptz[], ${overdueFroms(updated)}::timestamptz[], ${unitLists(updated)}::text[]
      ) as v(id, from_version, state, assignee_unit, listed, version, snapshot, last_hash, updated_at, overdue_from, units)
      where c.id = v.id and c.version = v.from_version
      returning c.id
    )`);
  }
  if (changed.length > 0) {
    stored.push('du');
    ctes.push(sql`
    du as (
      update deadlines d set status = v.status, due_at = v.due_at, reminders = v.reminders, reminders_sent = v.reminders_sent,
        paused_at = v.paused_at, extended_by = v.extended_by, updated_at = v.updated_at
      from unnest(
        ${changed.map((d) => d.id)}::bigint[], ${changed.map((d) => d.status)}::text[], ${changed.map((d) => d.dueAt)}::timestamptz[],
        ${changed.map((d) => iso(d.reminders))}::jsonb[], ${changed.map((d) => d.remindersSent)}::int[],
        ${changed.map((d) => d.pausedAt)}::timestamptz[], ${changed.map((d) => d.extendedBy)}::text[], ${changed.map((d) => d.updatedAt)}::timestamptz[]
      ) as v(id, status, due_at, reminders, reminders_sent, paused_at, extended_by, updated_at)
      where d.id = v.id
      returning d.*
    )`);
  }
  if (added.length > 0) {
    stored.push('di');
    ctes.push(sql`
    di as (
      insert into deadlines (case_id, clock, generation, status, calendar, duration, on_breach, started_at, due_at, reminders, updated_at)
      select v.case_id, v.clock, v.generation, 'pending', v.calendar, v.duration, v.on_breach, v.started_at, v.due_at, v.reminders, v.updated_at
      from unnest(
        ${added.map((d) => d.caseId)}::uuid[], ${added.map((d) => d.clock)}::text[], ${added.map((d) => d.generation)}::int[],
        ${added.map((d) => d.calendar)}::text[], ${added.map((d) => d.duration)}::text[], ${added.map((d) => d.onBreach)}::text[],
        ${added.map((d) => d.startedAt)}::timestamptz[], ${added.map((d) => d.dueAt)}::timestamptz[], ${added.map((d) => iso(d.reminders))}::jsonb[],
        ${added.map((d) => d.updatedAt)}::timestamptz[]
      ) as v(case_id, clock, generation, calendar, duration, on_breach, started_at, due_at, reminders, updated_at)
      returning *
    )`);
  }
  // The facts row of each case, written by the same statement as the case row it is derived from.
  const facts = writes.flatMap((w) => (w.facts === null ? [] : [w.facts]));
  if (facts.length > 0) ctes.push(caseFactsCte(facts));
  const casesWrittenSql = sql.raw(written.map((t) => `(select count(*) from ${t})`).join(' + ') || '0');
  const { rows } = await (
    stored.length === 0
      ? sql<
          Partial<Selectable<DeadlinesTable>> & { cases_written: number }
        >`with ${sql.join(ctes)} select (${casesWrittenSql})::int as cases_written`
      : sql<Partial<Selectable<DeadlinesTable>> & { cases_written: number }>`
          with ${sql.join(ctes)}
          select n.cases_written, x.*
          from (select (${casesWrittenSql})::int as cases_written) n
          left join (${sql.raw(stored.map((t) => `select * from ${t}`).join(' union all '))}) x on true`
  ).execute(trx);
  const casesWritten = rows[0]?.cases_written ?? 0;
  // Every case of the batch was locked at the version it is updated from: anything else is a bug, not a race.
  if (casesWritten !== writes.length) throw new Error(`wrote ${casesWritten} of ${writes.length} cases: a case changed under a held lock`);
  return rows.flatMap((r) => (r.id == null ? [] : [deadlineRecordOf(r as Selectable<DeadlinesTable>)]));
}
