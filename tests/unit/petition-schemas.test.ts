/**
 * The zod schemas of intake and commands: what is accepted, and
 * the field paths a VALIDATION error names when something is not.
 */
import type { z } from 'zod';
import {
  COMMAND_TYPES,
  commandFieldSchemas,
  commandSchema,
  intakeSchema,
  systemFieldSchemas,
  type Intake,
} from '../../machines/petition.schemas';
import { INTAKE, VALID_FIELDS } from '../support/machine-fixtures';

/** The paths of the issues of a failed parse (the parse must fail). */
function issuePaths(result: z.ZodSafeParseResult<unknown>): PropertyKey[][] {
  expect(result.success).toBe(false);
  return result.error?.issues.map((issue) => issue.path) ?? [];
}

const intake = (patch: Partial<Intake> & Record<string, unknown> = {}) => ({ ...INTAKE, ...patch });
const representative = (i: number) => ({ name: `代表${i}`, phone: `1874926000${i}` });

describe('intakeSchema', () => {
  test('accepts a complete intake', () => {
    const full = intake({
      channel: 'visit',
      petitioner: { name: '张某', idNumber: '412721198001013415', phone: '18749260000', address: '扶沟县曹里乡' },
      matter: { category: 'land', summary: '宅基地边界纠纷', details: '详细情况', accusation: false },
      representatives: [1, 2, 3, 4, 5].map(representative),
    });
    expect(intakeSchema.parse(full)).toEqual(full);
  });

  test('accepts every channel of Art 17 and the grid reports', () => {
    for (const channel of ['letter', 'visit', 'phone', 'fax', 'online', 'grid'] as const) {
      expect(intakeSchema.safeParse(intake({ channel })).success).toBe(true);
    }
    expect(issuePaths(intakeSchema.safeParse(intake({ channel: 'pigeon' as never })))).toEqual([['channel']]);
  });

  test('a group visit with 6 representatives fails at representatives (Art 20)', () => {
    const result = intakeSchema.safeParse(intake({ representatives: [1, 2, 3, 4, 5, 6].map(representative) }));
    expect(issuePaths(result)).toEqual([['representatives']]);
    expect(result.error?.issues[0]?.message).toMatch(/at most 5/);
  });

  test('a summary over 2000 characters fails at matter.summary; 2000 is fine', () => {
    const matter = (summary: string) => intake({ matter: { category: 'land', summary } });
    expect(intakeSchema.safeParse(matter('讼'.repeat(2000))).success).toBe(true);
    expect(issuePaths(intakeSchema.safeParse(matter('讼'.repeat(2001))))).toEqual([['matter', 'summary']]);
  });

  test('a blank summary fails (text is trimmed)', () => {
    expect(issuePaths(intakeSchema.safeParse(intake({ matter: { category: 'land', summary: '   ' } })))).toEqual([['matter', 'summary']]);
  });

  test.each(['411621', '411621100', '411621100201'])('accepts the division code %j (county, township, village)', (unit) => {
    expect(intakeSchema.safeParse(intake({ unit })).success).toBe(true);
  });

  test.each(['4116', '41162', '4116211', '4116211001', '41162110020', 'ABCDEF', ' 411621', ''])(
    'a bad division code %j fails at unit',
    (unit) => {
      expect(issuePaths(intakeSchema.safeParse(intake({ unit })))).toEqual([['unit']]);
    },
  );

  test('bad petitioner details fail at their own paths', () => {
    const result = intakeSchema.safeParse(
      intake({ petitioner: { name: '', idNumber: '4127211980', phone: 'call me', address: '扶沟县' } }),
    );
    expect(issuePaths(result)).toEqual([
      ['petitioner', 'name'],
      ['petitioner', 'idNumber'],
      ['petitioner', 'phone'],
    ]);
  });

  test('missing required parts and unknown keys are reported', () => {
    const { matter: _matter, ...withoutMatter } = INTAKE;
    expect(issuePaths(intakeSchema.safeParse(withoutMatter))).toEqual([['matter']]);
    const extra = intakeSchema.safeParse(intake({ priority: 'high' }));
    expect(issuePaths(extra)).toEqual([[]]);
    expect(extra.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('commandSchema', () => {
  test.each(COMMAND_TYPES.map((type) => [type]))('accepts a valid %s', (type) => {
    const command = { type, ...VALID_FIELDS[type] };
    expect(commandSchema.parse(command)).toEqual(command);
  });

  test('accepts commands with only their required fields', () => {
    expect(commandSchema.safeParse({ type: 'VERIFY' }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'APPROVE_EXTENSION' }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'ASSIGN', unit: '411621' }).success).toBe(true);
    expect(commandSchema.safeParse({ type: 'ESCALATE', reason: '督办' }).success).toBe(true);
  });

  test('rejects an unknown type, and a missing type, at type', () => {
    expect(issuePaths(commandSchema.safeParse({ type: 'FLY_AWAY' }))).toEqual([['type']]);
    expect(issuePaths(commandSchema.safeParse({ reason: 'x' }))).toEqual([['type']]);
  });

  test('the deadline workers’ events are not commands a person can send', () => {
    for (const type of Object.keys(systemFieldSchemas) as Array<keyof typeof systemFieldSchemas>) {
      expect(issuePaths(commandSchema.safeParse({ type, ...VALID_FIELDS[type] }))).toEqual([['type']]);
    }
  });

  test.each([
    [{ type: 'REJECT', reason: '涉诉' }, [['route']]],
    [{ type: 'REJECT' }, [['reason'], ['route']]],
    [{ type: 'REQUEST_INFO' }, [['note']]],
    [{ type: 'MERGE', intoCaseId: 'case-7' }, [['intoCaseId']]],
    [{ type: 'ASSIGN', handler: '王科长' }, [['unit']]],
    [{ type: 'ASSIGN', unit: '41' }, [['unit']]],
    [{ type: 'START_MEDIATION', level: 'province' }, [['level']]],
    [{ type: 'RESOLVE', outcome: 'support' }, [['opinion']]],
    [{ type: 'DELIVER', method: 'pigeon' }, [['method']]],
    [{ type: 'REQUEST_EXTENSION', reason: '复杂' }, [['duration']]],
    [{ type: 'ESCALATE', reason: '督办', dueIn: 'next week' }, [['dueIn'], ['dueIn']]],
    [{ type: 'RATE_SATISFACTION', body: 'satisfied' }, [['bureau']]],
    [{ type: 'REQUEST_REVIEW', reason: '  ' }, [['reason']]],
    [{ type: 'ASSIGN_LEADER' }, [['leader']]],
    [{ type: 'PAUSE_CLOCK', clock: 'lunch' }, [['clock']]],
    [{ type: 'RESUME_CLOCK' }, [['clock']]],
    [{ type: 'LINK_CONFERENCE', conference: '联席会议', departments: ['住建局'] }, [['departments']]],
  ])('rejects %j at the missing or bad fields', (command, paths) => {
    expect(issuePaths(commandSchema.safeParse(command))).toEqual(paths);
  });

  test('an extension must be a positive ISO 8601 duration', () => {
    expect(commandSchema.safeParse({ type: 'REQUEST_EXTENSION', duration: 'P30D', reason: 'x' }).success).toBe(true);
    expect(issuePaths(commandSchema.safeParse({ type: 'REQUEST_EXTENSION', duration: 'PT0S', reason: 'x' }))).toEqual([['duration']]);
  });

  test('rejects fields a command does not have (strict objects)', () => {
    const result = commandSchema.safeParse({ type: 'VERIFY', note: 'ok', route: 'litigation' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  test('every public command has a schema in the union', () => {
    expect(COMMAND_TYPES).toEqual(Object.keys(commandFieldSchemas));
    // prettier-ignore
    const contract = ['VERIFY', 'REJECT', 'REQUEST_INFO', 'PROVIDE_INFO', 'MERGE', 'ASSIGN', 'OBJECT', 'START_MEDIATION',
      'RECORD_MEDIATION_SESSION', 'MEDIATION_AGREED', 'MEDIATION_FAILED', 'RESOLVE', 'DELIVER', 'REQUEST_EXTENSION',
      'APPROVE_EXTENSION', 'ESCALATE', 'REASSIGN', 'RATE_SATISFACTION', 'REQUEST_REVIEW', 'ASSIGN_LEADER', 'PAUSE_CLOCK', 'RESUME_CLOCK'];
    expect(COMMAND_TYPES).toEqual(expect.arrayContaining(contract));
  });
});

describe('systemFieldSchemas', () => {
  test('accept the deadline workers’ events and refuse a bad generation or breach action', () => {
    expect(systemFieldSchemas.DEADLINE_REMINDER.safeParse(VALID_FIELDS.DEADLINE_REMINDER).success).toBe(true);
    expect(systemFieldSchemas.DEADLINE_BREACHED.safeParse(VALID_FIELDS.DEADLINE_BREACHED).success).toBe(true);
    const bad = systemFieldSchemas.DEADLINE_BREACHED.safeParse({ clock: 'acceptance', generation: 0, onBreach: 'panic' });
    expect(issuePaths(bad)).toEqual([['generation'], ['onBreach']]);
  });
});
