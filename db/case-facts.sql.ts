import { sql, type RawBuilder } from 'kysely';
import type { CaseFacts } from '../machines/case-facts';

export type { AcceptanceFact, CaseFacts, FactFlags, HandlingFact } from '../machines/case-facts';

/**
 * Every column of `case_facts` but its key, in the order {@link caseFactsCte}
 * writes them: the one list the statement and the application role's UPDATE
 * grant (db/database-roles.ts) both follow.
 */
export const CASE_FACT_COLUMNS = [
  'machine_version',
  'unit',
  'body_unit',
  'registered_at',
  'channel',
  'class',
  'category',
  'head_count',
  'flag_group',
  'flag_skip_level',
  'flag_law_related',
  'flag_major_urgent',
  'flag_repeat',
  'flag_first',
  'acceptance',
  'acceptance_at',
  'handling',
  'handling_at',
  'answered_at',
  'outcome',
  'delivered_at',
  'rating_body',
  'rating_bureau',
  'closure',
  'closed_at',
  'transferred',
  'assigned',
  'supervised',
  'review_stage',
] as const;

const FACT_LIST = sql.raw(CASE_FACT_COLUMNS.join(', '));
const EXCLUDED_LIST = sql.raw(CASE_FACT_COLUMNS.map((c) => `excluded.${c}`).join(', '));
const TABLE_LIST = sql.raw(CASE_FACT_COLUMNS.map((c) => `case_facts.${c}`).join(', '));

/**
 * The `case_facts` part of a transition's one statement: upserts the facts
 * of every case in the batch (each row is the whole truth as of the step, so
 * a later step simply replaces it). Most steps leave the facts as they were:
 * then the row is not rewritten (no new row version, no index entries).
 * Kept beside, not inside, the other parts of `writeTransitions`.
 */
export function caseFactsCte(facts: readonly CaseFacts[]): RawBuilder<unknown> {
  const col = <T>(pick: (f: CaseFacts) => T) => facts.map(pick);
  return sql`
    cf as (
      insert into case_facts (case_id, ${FACT_LIST})
      select * from unnest(
        ${col((f) => f.caseId)}::uuid[], ${col((f) => f.machineVersion)}::int[], ${col((f) => f.unit)}::text[], ${col((f) => f.bodyUnit)}::text[],
        ${col((f) => f.registeredAt)}::timestamptz[], ${col((f) => f.channel)}::text[], ${col((f) => f.class)}::text[], ${col((f) => f.category)}::text[],
        ${col((f) => f.headCount)}::int[], ${col((f) => f.flags.group)}::boolean[], ${col((f) => f.flags.skipLevel)}::boolean[],
        ${col((f) => f.flags.lawRelated)}::boolean[], ${col((f) => f.flags.majorUrgent)}::boolean[], ${col((f) => f.flags.repeat)}::boolean[],
        ${col((f) => f.flags.first)}::boolean[], ${col((f) => f.acceptance)}::text[], ${col((f) => f.acceptanceAt)}::timestamptz[],
        ${col((f) => f.handling)}::text[], ${col((f) => f.handlingAt)}::timestamptz[], ${col((f) => f.answeredAt)}::timestamptz[],
        ${col((f) => f.outcome)}::text[], ${col((f) => f.deliveredAt)}::timestamptz[], ${col((f) => f.ratingBody)}::text[],
        ${col((f) => f.ratingBureau)}::text[], ${col((f) => f.closure)}::text[], ${col((f) => f.closedAt)}::timestamptz[],
        ${col((f) => f.transferred)}::boolean[], ${col((f) => f.assigned)}::boolean[], ${col((f) => f.supervised)}::boolean[],
        ${col((f) => f.reviewStage)}::text[])
      on conflict (case_id) do update set (${FACT_LIST}) = (${EXCLUDED_LIST})
      where (${TABLE_LIST}) is distinct from (${EXCLUDED_LIST})
    )`;
}
