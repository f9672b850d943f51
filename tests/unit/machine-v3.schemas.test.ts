/**
 * The intake and command schemas of machine version 3, and the permission
 * table rendered for the README.
 */
import { V3_PERMISSIONS, v3PermissionsMarkdown } from '../../machines/versions/v3/v3.permissions';
import {
  V3_COMMAND_TYPES,
  v3CommandFieldSchemas,
  v3CommandSchema,
  v3IntakeSchema,
  v3SystemFieldSchemas,
} from '../../machines/versions/v3/v3.schemas';
import { v3StateLabel } from '../../machines/versions/v3/v3.labels';
import { BUREAU, OTHER_BODY, VALID_FIELDS } from '../support/machine-v3-fixtures';

const intake = {
  channel: 'visit',
  unit: BUREAU,
  class: 'complaint',
  petitioner: { name: '张某', address: '扶沟县曹里乡' },
  matter: { category: 'wages', summary: '拖欠工资' },
};

describe('v3 intake', () => {
  test('class is required; flags default to none and the receiver to a clerk', () => {
    expect(v3IntakeSchema.safeParse({ ...intake, class: undefined }).success).toBe(false);
    expect(v3IntakeSchema.parse(intake)).toMatchObject({ flags: {}, receivedBy: 'clerk' });
  });

  test('a group visit with its head count, a leader receiving it, and the other flags', () => {
    const parsed = v3IntakeSchema.parse({
      ...intake,
      receivedBy: 'leader',
      flags: { group: { headCount: 12 }, skipLevel: true, lawRelated: false, majorUrgent: true },
      representatives: [{ name: '甲' }, { name: '乙' }],
    });
    expect(parsed.flags.group?.headCount).toBe(12);
    expect(parsed.receivedBy).toBe('leader');
  });

  test('at most 5 representatives (Art 20), and never more than the group', () => {
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `代表${i}` }));
    expect(v3IntakeSchema.safeParse({ ...intake, flags: { group: { headCount: 30 } }, representatives: six }).success).toBe(false);
    const three = six.slice(0, 3);
    expect(v3IntakeSchema.safeParse({ ...intake, flags: { group: { headCount: 2 } }, representatives: three }).success).toBe(false);
  });

  test('an accusation names its accused unit', () => {
    const result = v3IntakeSchema.safeParse({ ...intake, class: 'accusation' });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['matter.accusedUnit']);
    const named = { ...intake, class: 'accusation', matter: { ...intake.matter, accusedUnit: OTHER_BODY } };
    expect(v3IntakeSchema.safeParse(named).success).toBe(true);
  });

  test('the v1 accusation flag is not part of a v3 matter', () => {
    expect(v3IntakeSchema.safeParse({ ...intake, matter: { ...intake.matter, accusation: true } }).success).toBe(false);
  });
});

describe('v3 commands', () => {
  test.each(V3_COMMAND_TYPES)('%s: the test fields are valid, and unknown fields refused', (type) => {
    expect(v3CommandSchema.safeParse({ type, ...VALID_FIELDS[type] }).success).toBe(true);
    expect(v3CommandFieldSchemas[type].safeParse({ ...VALID_FIELDS[type], extra: 1 }).success).toBe(false);
  });

  test('deadline events carry a v3 clock', () => {
    expect(v3SystemFieldSchemas.DEADLINE_BREACHED.safeParse(VALID_FIELDS.DEADLINE_BREACHED).success).toBe(true);
    expect(v3SystemFieldSchemas.DEADLINE_REMINDER.safeParse({ ...VALID_FIELDS.DEADLINE_REMINDER, clock: 'acceptance' }).success).toBe(
      false,
    );
  });

  test('ASSIGN needs a deadline as an ISO 8601 duration; a pause needs a reason from the list', () => {
    expect(v3CommandFieldSchemas.ASSIGN.safeParse({ toUnit: OTHER_BODY }).success).toBe(false);
    expect(v3CommandFieldSchemas.ASSIGN.safeParse({ toUnit: OTHER_BODY, dueIn: '20 days' }).success).toBe(false);
    expect(v3CommandFieldSchemas.PAUSE_CLOCK.safeParse({ clock: 'handling', reason: 'holiday' }).success).toBe(false);
  });

  test('RESOLVE takes the outcomes of both classes (the machine checks which fits the case)', () => {
    for (const outcome of ['support', 'explain', 'not-support', 'adopted', 'partly-adopted', 'not-adopted']) {
      expect(v3CommandFieldSchemas.RESOLVE.safeParse({ outcome, opinion: '意见' }).success).toBe(true);
    }
  });
});

describe('the permission table as Markdown', () => {
  const markdown = v3PermissionsMarkdown();

  test('one line per rule under the header', () => {
    const rules = Object.values(V3_PERMISSIONS).reduce((n, rules) => n + rules.length, 0);
    expect(markdown.split('\n')).toHaveLength(rules + 2);
  });

  test('rows read as the regulation', () => {
    expect(markdown).toContain('| `REQUEST_REVIEW` | delivered | clerk | review |');
    expect(markdown).toContain('| `RESOLVE` | reviewing, rereviewing | handler, leader | review |');
    expect(markdown).toContain('| `SUPERVISE` | any open state | supervisor | sender, above |');
    expect(markdown).toContain('| `LEADER_INSTRUCTION` | any state | leader | any |');
  });
});

describe('labels', () => {
  test('a closed case is named by its closure; an open one by its state', () => {
    expect(v3StateLabel('closed', 'final')).toBe('已终结');
    expect(v3StateLabel('closed', 'concluded')).toBe('已办结');
    expect(v3StateLabel('reviewing', null)).toBe('复查中');
  });
});
