/**
 * `petitionflow seed-demo`: the 周口市 unit tree and a handful of cases drawn
 * from a city newspaper page on petition work in 周口市 (Zhoukou, Henan), pushed through the
 * engine's one dispatch path so their trails, deadlines and hashes are real.
 */
import { sql, type Kysely } from 'kysely';
import type { Policy } from '../config/policy.schema';
import type { Database } from '../db/schema';
import { createPetitionEngine } from '../engine/petition.engine';
import { createUnitService } from '../engine/unit.service';
import { createChinaCalendar } from '../engine/working-calendar';
import type { Actor } from '../machines/petition.roles';
import type { Command, Intake } from '../machines/petition.schemas';
import { seedDemoUsers, type SeededUser } from './seed-demo-users';
import { DEMO_UNITS } from './demo-units';

export { DEMO_UNITS };

/** One demo case: how it came in, and the commands that move it, each sent by an actor. */
export interface DemoCase {
  /** A short label printed by the command. */
  readonly title: string;
  readonly clerk: Actor;
  readonly intake: Intake;
  readonly steps: readonly { readonly actor: Actor; readonly command: Command }[];
}

const who = (role: Actor['role'], unit: string, id: string): Actor => ({ id, role, unit });

// People and offices of the demo. Names of petitioners follow the seed's
// practice of pseudonyms (化名); ID numbers and phones are made up (the seed
// prints them masked), valid only in form.
const fugouClerk = who('clerk', '411621', 'fugou-banxinke-zhou');
const fugouHandler = who('handler', '411621', 'fugou-jiaotiju');
const shangshuiClerk = who('clerk', '411623', 'shangshui-xinfang-clerk');
const dengchengHandler = who('handler', '411623103', 'dengcheng-sifasuo');
const villageMediator = who('mediator', '411623103', 'dengcheng-village-mediator');
const xihuaClerk = who('clerk', '411622', 'xihua-xinfang-clerk');
const xihuaSupervisor = who('supervisor', '411622', 'xihua-lianxi-huiyi');
const xiangchengClerk = who('clerk', '411681', 'xiangcheng-xinfang-clerk');
const shenqiuClerk = who('clerk', '411624', 'shenqiu-xinfang-clerk');

/** The demo cases, in the order they are recorded. */
export const DEMO_CASES: readonly DemoCase[] = [
  {
    // 扶沟: “失而复得”的群众来信 — the phone number on the letter belonged to someone in 沈丘县.
    title: '扶沟县 来信：撤并学校（留错电话，经户籍查找信访人），解释办结，满意',
    clerk: fugouClerk,
    intake: {
      channel: 'letter',
      unit: '411621',
      petitioner: { name: '于营（化名）', idNumber: '41272119900101341X', phone: '18749260000', address: '河南省周口市扶沟县曹里乡' },
      matter: {
        category: 'education',
        summary: '县教体局撤并学校，给学生上学带来不便',
        details: '来信署名“于营”，反映曹里乡部分学校和教学点撤并后学生上学路远。来信所留手机号码为沈丘县号码，机主否认反映过任何信访事项。',
      },
    },
    steps: [
      {
        actor: fugouClerk,
        command: { type: 'REQUEST_INFO', note: '来信预留手机号码机主否认反映过信访事项；已联系县公安户籍管理部门查找信访人。' },
      },
      {
        actor: fugouClerk,
        command: { type: 'PROVIDE_INFO', note: '经户籍信息查到信访人于营（扶沟县曹里乡人），本人确认来信，原电话号码系随机编写。' },
      },
      { actor: fugouClerk, command: { type: 'VERIFY', note: '身份和联系方式已核实，予以受理。' } },
      { actor: fugouClerk, command: { type: 'ASSIGN', unit: '411621', handler: '扶沟县教体局' } },
      {
        actor: fugouHandler,
        command: {
          type: 'RESOLVE',
          outcome: 'explain',
          opinion:
            '经办信科与县教体局联合调查，曹里乡依据豫政〔2016〕71号文件精神，经反复论证并报县政府和教体局批准，按合理设点布校原则撤并部分学校和教学点。已向信访人说明政策依据和来龙去脉。',
        },
      },
      { actor: fugouClerk, command: { type: 'DELIVER', method: 'in-person', proof: '当面送达，信访人签收' } },
      { actor: fugouClerk, command: { type: 'RATE_SATISFACTION', body: 'satisfied', bureau: 'satisfied' } },
    ],
  },
  {
    // 商水: 网格员 report, 县、乡、村三级调解 — settled at village level.
    title: '商水县 网格员上报：宅基地边界纠纷，村级调解达成协议',
    clerk: shangshuiClerk,
    intake: {
      channel: 'grid',
      unit: '411623',
      petitioner: { name: '李某', phone: '13700000000', address: '河南省周口市商水县邓城镇邓城村' },
      matter: { category: 'land', summary: '与邻居宅基地边界纠纷，请求调处', details: '网格员在矛盾纠纷排查中发现并上报。' },
    },
    steps: [
      { actor: shangshuiClerk, command: { type: 'VERIFY' } },
      { actor: shangshuiClerk, command: { type: 'ASSIGN', unit: '411623103', handler: '邓城镇司法所' } },
      { actor: dengchengHandler, command: { type: 'START_MEDIATION', level: 'village', mediator: '邓城村人民调解委员会' } },
      { actor: villageMediator, command: { type: 'RECORD_MEDIATION_SESSION', note: '现场丈量宅基地，双方各自陈述。' } },
      { actor: villageMediator, command: { type: 'MEDIATION_AGREED', agreement: '双方同意以原有界墙为界，各自维护，今后不再就此争执。' } },
      { actor: shangshuiClerk, command: { type: 'DELIVER', method: 'in-person' } },
      { actor: shangshuiClerk, command: { type: 'RATE_SATISFACTION', body: 'basically-satisfied', bureau: 'satisfied' } },
    ],
  },
  {
    // 西华: 联席会议, 领导包案 for a group's benefits claim (the seed's 老民师 group).
    title: '西华县 集体走访：原民办教师待遇，交办并领导包案',
    clerk: xihuaClerk,
    intake: {
      channel: 'visit',
      unit: '411622',
      petitioner: { name: '王某', address: '河南省周口市西华县逍遥镇' },
      matter: { category: 'benefits', summary: '原民办教师要求落实相关待遇' },
      representatives: [{ name: '王某' }, { name: '刘某' }, { name: '张某' }, { name: '陈某' }, { name: '赵某' }],
    },
    steps: [
      { actor: xihuaClerk, command: { type: 'VERIFY' } },
      { actor: xihuaClerk, command: { type: 'ASSIGN', unit: '411622', handler: '西华县教体局' } },
      { actor: xihuaSupervisor, command: { type: 'ASSIGN_LEADER', leader: '县委副书记（包案领导）' } },
    ],
  },
  {
    // The seed: 分清涉法涉诉类问题 — a matter already before the courts goes back to them.
    title: '项城市 电话：已进入诉讼程序的借贷纠纷，不予受理（导入诉讼）',
    clerk: xiangchengClerk,
    intake: {
      channel: 'phone',
      unit: '411681',
      petitioner: { name: '孙某', phone: '13900000000', address: '河南省周口市项城市南顿镇' },
      matter: { category: 'litigation', summary: '民间借贷纠纷，对法院一审判决不服' },
    },
    steps: [
      {
        actor: xiangchengClerk,
        command: { type: 'REJECT', reason: '属涉法涉诉事项，已告知信访人依法通过上诉程序解决。', route: 'litigation' },
      },
    ],
  },
  {
    // Waiting on the clerk's desk: the acceptance clock runs.
    title: '沈丘县 网上信访：村道损坏请求维修，待受理',
    clerk: shenqiuClerk,
    intake: {
      channel: 'online',
      unit: '411624',
      petitioner: { name: '周某', address: '河南省周口市沈丘县槐店回族镇' },
      matter: { category: 'infrastructure', summary: '村内道路损坏严重，请求维修' },
    },
    steps: [],
  },
];

/** What `seed-demo` did for one case. */
export interface SeededCase {
  readonly title: string;
  readonly id: string;
  readonly state: string;
  /** False when the case was already there from an earlier run. */
  readonly created: boolean;
}

/** What `seed-demo` did. */
export interface SeedResult {
  readonly units: number;
  readonly cases: readonly SeededCase[];
  /** The demo accounts (cli/seed-demo-users.ts). */
  readonly users: readonly SeededUser[];
}

/**
 * A demo case recorded by an earlier run: same unit, petitioner and summary in
 * its INTAKE event. The trail is the stable record of what was taken in (the
 * snapshot's layout belongs to the machine version).
 */
async function findExisting(db: Kysely<Database>, c: DemoCase): Promise<{ id: string; state: string } | undefined> {
  const row = await db
    .selectFrom('case_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['c.id', 'c.state'])
    .where('e.seq', '=', 1)
    .where('e.type', '=', 'INTAKE')
    .where('c.unit', '=', c.intake.unit)
    .where(sql<string>`e.fields->'matter'->>'summary'`, '=', c.intake.matter.summary)
    .where(sql<string>`e.fields->'petitioner'->>'name'`, '=', c.intake.petitioner.name)
    .orderBy('c.created_at')
    .executeTakeFirst();
  return row;
}

/**
 * Loads the demo units (upsert) and records each demo case that is not there
 * yet, so running it twice adds nothing the second time. A case already
 * present is left as it is, whatever state it has reached since.
 */
export async function seedDemo(deps: {
  db: Kysely<Database>;
  policy: Policy;
  now?: () => Date;
  peopleIndexKey?: Buffer;
}): Promise<SeedResult> {
  await createUnitService(deps.db).importUnits(DEMO_UNITS);
  const engine = createPetitionEngine({
    db: deps.db,
    // The demo stories are written as version 2 cases until they are retold under version 3.
    policy: { ...deps.policy, machineVersion: 2 },
    calendar: createChinaCalendar(),
    ...(deps.peopleIndexKey !== undefined && { peopleIndexKey: deps.peopleIndexKey }),
    ...(deps.now !== undefined && { now: deps.now }),
  });
  const seeded: SeededCase[] = [];
  for (const c of DEMO_CASES) {
    const existing = await findExisting(deps.db, c);
    if (existing !== undefined) {
      seeded.push({ title: c.title, id: existing.id, state: existing.state, created: false });
      continue;
    }
    let view = await engine.intake(c.intake, c.clerk);
    for (const s of c.steps) view = await engine.dispatch(view.id, s.command, s.actor, { expectedVersion: view.version });
    seeded.push({ title: c.title, id: view.id, state: view.state, created: true });
  }
  return { units: DEMO_UNITS.length, cases: seeded, users: await seedDemoUsers(deps.db) };
}
