/**
 * Examples for the API description, taken from the demo data (`petitionflow seed-demo`: the letter to
 * 扶沟县 about merged schools). A unit test checks each against its schema.
 */

/** The intake of the demo's first case. */
export const EXAMPLE_INTAKE = {
  channel: 'letter',
  unit: '411621',
  petitioner: { name: '于营（化名）', idNumber: '412721199001013411', phone: '18749260000', address: '河南省周口市扶沟县曹里乡' },
  matter: { category: 'education', summary: '县教体局撤并学校，给学生上学带来不便' },
};

/** The same letter as a version 3 intake: a complaint (申诉求决类, Art 31), received by a clerk. */
export const EXAMPLE_INTAKE_V3 = { ...EXAMPLE_INTAKE, class: 'complaint', flags: {}, receivedBy: 'clerk' };

/**
 * That case just accepted (受理), as a handler of 扶沟县 sees it: the handling clock as the statutory policy
 * plans it from 2026-03-02 09:30 Beijing time (60 days, past the 劳动节 holidays).
 */
export const EXAMPLE_VIEW = {
  id: '0f8e4c52-8d7b-4b52-9a57-3d1b2f6c9e01',
  number: '扶信〔2026〕123号',
  units: [{ unit: '411621', name: '扶沟县', relation: 'registered' }],
  relations: [],
  state: 'verified',
  version: 4,
  machineVersion: 2,
  unit: '411621',
  channel: 'letter',
  petitioner: { name: '于营（化名）', idNumber: '41272119xxxxxx3411', phone: '1874926xxxx', address: '河南省周口市扶沟县曹里乡' },
  representatives: [],
  matter: { category: 'education', summary: '县教体局撤并学校，给学生上学带来不便' },
  assignee: null,
  leader: null,
  mediation: null,
  extension: null,
  escalation: null,
  listed: false,
  reviewStage: 0,
  resolution: null,
  delivery: null,
  satisfaction: null,
  rejection: null,
  mergedInto: null,
  closure: null,
  deadlines: [
    {
      clock: 'handling',
      generation: 1,
      startedAt: '2026-03-02T01:30:00.000Z',
      dueAt: '2026-05-06T16:00:00.000Z',
      status: 'pending',
      reminders: ['2026-04-03T01:00:00.000Z', '2026-04-23T01:00:00.000Z', '2026-05-06T01:00:00.000Z'],
      remindersAt: ['2026-04-03T01:00:00.000Z', '2026-04-23T01:00:00.000Z', '2026-05-06T01:00:00.000Z'],
      lastDay: '2026-05-06',
      extendedBy: null,
      remainingDays: 35,
      remainingBasis: 'calendar-days',
      level: 'green',
    },
  ],
  allowedEvents: ['REQUEST_EXTENSION'],
  createdAt: '2026-03-02T01:10:00.000Z',
  updatedAt: '2026-03-02T01:30:00.000Z',
};
