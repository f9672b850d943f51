import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/schema';
import { refreshOverdueFrom } from '../db/case.repository';

/**
 * The statistics benchmark's data set, built by PostgreSQL alone
 * (generate_series): a province of 18 cities of 10 counties of 20 townships,
 * and `cases` matters over 2025-2026 with a version 3 snapshot each, their
 * facts rows, two deadline rows (the intake and handling clocks) and
 * `eventsPerCase` trail entries. The draws are made once per case (a table of
 * random numbers), so snapshot, facts and deadlines tell the same story.
 */
export async function buildStatsData(
  db: Kysely<Database>,
  cases: number,
  eventsPerCase: number,
  step: (what: string) => void,
): Promise<void> {
  step('units');
  const unitInserts = [
    sql`insert into units (code, name, level, parent_code) values ('410000', '河南省', 'province', null)`,
    sql`insert into units (code, name, level, parent_code)
      select '41' || lpad(c::text, 2, '0') || '00', '市' || c, 'city', '410000' from generate_series(1, 18) c`,
    sql`insert into units (code, name, level, parent_code)
      select '41' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0'), '市' || c || '县' || k, 'county', '41' || lpad(c::text, 2, '0') || '00'
      from generate_series(1, 18) c, generate_series(1, 10) k`,
    sql`insert into units (code, name, level, parent_code)
      select '41' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0') || lpad(t::text, 3, '0'), '市' || c || '县' || k || '乡' || t, 'township',
        '41' || lpad(c::text, 2, '0') || lpad(k::text, 2, '0')
      from generate_series(1, 18) c, generate_series(1, 10) k, generate_series(101, 120) t`,
  ];
  for (const q of unitInserts) await q.execute(db);
  step('draws');
  await sql`
    create unlogged table bench_gen as
    select g, gen_random_uuid() as id,
      '41' || lpad((1 + (g % 18))::text, 2, '0') || lpad((1 + (g / 18) % 10)::text, 2, '0') || lpad((101 + (g / 180) % 20)::text, 3, '0') as unit,
      timestamptz '2025-01-01 00:00+08' + (random() * 730) * interval '1 day' as registered_at,
      (array['letter','visit','phone','fax','online','grid'])[1 + floor(random() * 6)::int] as channel,
      case when random() < 0.1 then 'suggestion' when random() < 0.17 then 'accusation' else 'complaint' end as class,
      (array['土地征收','劳动社保','城乡建设','教育','医疗卫生','农村农业','民政','交通运输','生态环境','政法'])[1 + floor(random() * 10)::int] as category,
      random() as r_group, 2 + (random() * 28)::int as heads, random() as r_flag, random() as r_acc, random() as r_hand,
      random() as r_out, random() as r_del, random() as r_rate
    from generate_series(1, ${cases}::int) g`.execute(db);
  step('cases (snapshots)');
  await sql`
    insert into cases (id, unit, assignee_unit, state, channel, listed, version, machine_version, snapshot, last_hash, created_at, updated_at)
    select id, unit, null, case when r_hand < 0.9 then 'closed' else 'accepted' end, channel, false, 1 + ${eventsPerCase}::int, 3,
      jsonb_build_object('value', 'closed', 'status', 'active', 'context', jsonb_build_object(
        'id', id, 'class', class, 'registeredAt', registered_at, 'registeredAtBureau', true,
        'intake', jsonb_build_object('channel', channel, 'unit', unit, 'class', class,
          'matter', jsonb_build_object('category', category, 'summary', repeat('群众反映宅基地确权纠纷，请求依法处理。', 12))),
        'flags', jsonb_strip_nulls(jsonb_build_object('group', case when r_group < 0.02 then jsonb_build_object('headCount', heads) end,
          'skipLevel', r_flag < 0.03, 'majorUrgent', r_flag > 0.99, 'repeat', r_flag between 0.5 and 0.55, 'first', r_flag > 0.6)),
        'units', jsonb_build_object('registeredBy', unit, 'body', unit || '-11', 'senders', jsonb_build_array(unit), 'passed', jsonb_build_array(unit, unit || '-11')),
        'resolutions', case when r_hand < 0.9 then jsonb_build_array(jsonb_build_object('outcome',
          case when r_out < 0.7 then 'support' when r_out < 0.85 then 'explain' else 'not-support' end,
          'at', registered_at + interval '40 days', 'stage', 'first', 'opinion', repeat('经调查核实，依法答复如下。', 10))) else '[]'::jsonb end,
        'deliveries', case when r_hand < 0.9 and r_del < 0.85 then jsonb_build_array(jsonb_build_object('at', registered_at + interval '42 days', 'method', 'post')) else '[]'::jsonb end,
        'satisfaction', case when r_hand < 0.9 and r_del < 0.85 and r_rate < 0.7 then jsonb_build_object(
          'body', case when r_rate < 0.42 then 'satisfied' when r_rate < 0.63 then 'basically-satisfied' else 'unsatisfied' end, 'bureau', 'satisfied') end,
        'closure', case when r_hand < 0.9 then 'concluded' end)),
      decode(repeat('0', 64), 'hex'), registered_at, registered_at
    from bench_gen`.execute(db);
  step('facts');
  await sql`
    insert into case_facts (case_id, machine_version, unit, body_unit, registered_at, channel, class, category, head_count,
      flag_group, flag_skip_level, flag_law_related, flag_major_urgent, flag_repeat, flag_first, acceptance, acceptance_at,
      handling, handling_at, answered_at, outcome, delivered_at, rating_body, rating_bureau, closure, closed_at,
      transferred, assigned, supervised, review_stage)
    select c.id, 3, c.unit, ctx->'units'->>'body', (ctx->>'registeredAt')::timestamptz, c.channel, ctx->>'class', ctx->'intake'->'matter'->>'category',
      coalesce((ctx->'flags'->'group'->>'headCount')::int, 1), ctx->'flags' ? 'group', coalesce((ctx->'flags'->>'skipLevel')::boolean, false), false,
      coalesce((ctx->'flags'->>'majorUrgent')::boolean, false), coalesce((ctx->'flags'->>'repeat')::boolean, false), coalesce((ctx->'flags'->>'first')::boolean, false),
      case when g.r_acc < 0.05 then 'late' else 'timely' end, g.registered_at + interval '3 days',
      case when g.r_hand < 0.9 then (case when g.r_acc < 0.04 then 'overdue' else 'on-time' end) end,
      case when g.r_hand < 0.9 then g.registered_at + interval '40 days' end,
      (ctx->'resolutions'->0->>'at')::timestamptz, ctx->'resolutions'->-1->>'outcome', (ctx->'deliveries'->0->>'at')::timestamptz,
      ctx->'satisfaction'->>'body', ctx->'satisfaction'->>'bureau', ctx->>'closure', case when g.r_hand < 0.9 then g.registered_at + interval '75 days' end,
      true, false, g.r_acc < 0.05, 'first'
    from cases c join bench_gen g on g.id = c.id, lateral (select c.snapshot->'context' as ctx) x`.execute(db);
  step('deadlines');
  await sql`
    insert into deadlines (case_id, clock, generation, status, calendar, duration, on_breach, started_at, due_at, reminders, updated_at)
    select id, 'dispatch', 1, case when r_acc < 0.05 then 'breached' else 'met' end, 'calendar-days', 'P15D', 'escalate',
      registered_at, registered_at + interval '15 days', '[]'::jsonb, registered_at + interval '3 days' from bench_gen
    union all
    select id, 'handling', 1, case when r_hand >= 0.9 then 'pending' when r_acc < 0.04 then 'breached' else 'met' end, 'calendar-days', 'P60D', 'escalate',
      registered_at + interval '3 days', registered_at + interval '63 days', '[]'::jsonb, registered_at + interval '40 days' from bench_gen`.execute(
    db,
  );
  // The column every transition keeps, rebuilt from the rows just written: the weekly risk review reads it.
  step('overdue_from');
  await refreshOverdueFrom(db);
  if (eventsPerCase > 0) {
    step(`trail (${eventsPerCase} entries per case)`);
    await sql`
      insert into case_events (case_id, seq, type, fields, actor_id, actor_role, actor_unit, at, machine_version, hash)
      select id, s, case when s = 1 then 'INTAKE' else 'NOTE' end, '{}'::jsonb, 'bench', 'clerk', unit, registered_at + s * interval '1 day', 3,
        decode(md5(id::text || s) || md5(s || id::text), 'hex')
      from bench_gen, generate_series(1, ${eventsPerCase}::int) s`.execute(db);
  }
  await sql`drop table bench_gen`.execute(db);
  step('analyze');
  await sql`analyze`.execute(db);
}

/**
 * The baseline: the same figures as `GET /stats` (matters, people, the six
 * rates) by one plain aggregate over the rows the engine keeps anyway, the
 * case snapshots and the deadline rows, with no facts table.
 */
export function baselineQuery(scopePrefix: string, from: Date, to: Date): RawBuilder<Record<string, number>> {
  const reg = sql`(c.created_at >= ${from} and c.created_at < ${to})`;
  return sql<Record<string, number>>`
    with d as (
      select c.id, c.created_at, c.snapshot->'context' as ctx, ${reg} as reg,
        (select bool_or(status = 'breached') from deadlines where case_id = c.id and clock in ('dispatch', 'notice')) as acc_late,
        (select max(updated_at) from deadlines where case_id = c.id and clock in ('dispatch', 'notice') and status in ('met', 'breached')) as acc_at,
        (select bool_or(status = 'breached') from deadlines where case_id = c.id and clock = 'handling') as hand_late,
        (select max(updated_at) from deadlines where case_id = c.id and clock = 'handling' and status in ('met', 'breached')) as hand_at
      from cases c where c.unit like ${`${scopePrefix}%`}
    ), f as (
      select *, coalesce(acc_at >= ${from} and acc_at < ${to}, false) as acc, coalesce(hand_at >= ${from} and hand_at < ${to}, false) as hand,
        ctx->'satisfaction'->>'body' as rating, jsonb_array_length(ctx->'resolutions') > 0 as answered,
        jsonb_array_length(ctx->'deliveries') > 0 as delivered
      from d
    )
    select count(*) filter (where reg) as matters,
      sum(coalesce((ctx->'flags'->'group'->>'headCount')::int, 1)) filter (where reg) as people,
      count(*) filter (where acc and not acc_late) as acc_num, count(*) filter (where acc) as acc_den,
      count(*) filter (where hand and not hand_late) as hand_num, count(*) filter (where hand) as hand_den,
      count(*) filter (where reg and delivered and rating is not null) as part_num, count(*) filter (where reg and delivered) as part_den,
      count(*) filter (where reg and rating in ('satisfied', 'basically-satisfied')) as sat_num, count(*) filter (where reg and rating is not null) as sat_den,
      count(*) filter (where reg and answered and (ctx->'resolutions'->-1->>'outcome' in ('support', 'adopted', 'partly-adopted', 'mediation-agreement')
        or rating in ('satisfied', 'basically-satisfied'))) as res_num, count(*) filter (where reg and answered) as res_den,
      count(*) filter (where reg and ctx->'flags'->>'repeat' = 'true') as rep_num
    from f where reg or acc or hand`;
}
