/**
 * A view read from a case row builds from the row's state (the stored form with its start put back) and restores
 * the machine only for the events an open case's viewer may send. For every released version, every fixed path
 * of the legacy lifecycle and the v3 starts, and viewers of several roles and units, that view is the one built
 * from the restored machine, field for field; and a closed case's view never restores it.
 */
import type { CaseRecord } from '../../db/case.repository';
import { restoreCase, storedFormOf } from '../../engine/case-snapshot';
import { toPetitionView } from '../../engine/case-view';
import { directoryOfTree } from '../../engine/unit-directory';
import { unitTreeOf } from '../../engine/unit-directory.service';
import { DEMO_UNITS } from '../../cli/demo-units';
import type { Actor } from '../../machines/petition.roles';
import type { CaseSnapshot, CaseStart, MachineAdapter } from '../../machines/machine-adapter';
import { adapterFor, LEGACY_VERSIONS, MACHINE_VERSIONS } from '../../machines/petition.registry';
import { AT, INTAKE, PATHS, reach } from '../support/machine-fixtures';
import { BODY, BUREAU, CASE_ID, intakeOf, RE_REVIEW_BODY } from '../support/machine-v3-fixtures';

const units = directoryOfTree(unitTreeOf(DEMO_UNITS));
const NOW = new Date('2026-04-01T02:00:00.000Z');

/** A case row as the engine writes it: the stored form, and the intake entry read with it. */
function rowOf(adapter: MachineAdapter, snapshot: CaseSnapshot, start: CaseStart): CaseRecord {
  return {
    id: start.id,
    number: null,
    unit: (start.intake as { unit: string }).unit,
    assigneeUnit: null,
    state: adapter.stateName(snapshot),
    channel: 'letter',
    listed: false,
    version: 3,
    machineVersion: adapter.version,
    snapshot: storedFormOf(adapter, snapshot),
    lastHash: '0'.repeat(64),
    createdAt: new Date(start.at),
    updatedAt: new Date(start.at),
    intakeEntry: { fields: adapter.intakeTrailFields(start), at: start.at },
  };
}

const viewers: Actor[] = [
  { id: 'clerk-1', role: 'clerk', unit: BUREAU },
  { id: 'handler-1', role: 'handler', unit: BODY },
  { id: 'supervisor-1', role: 'supervisor', unit: RE_REVIEW_BODY },
  { id: 'leader-1', role: 'leader', unit: '411622' },
];

/** The cases: every fixed path of each legacy version, and v3 registered at the bureau and at the handling body. */
type Case = readonly [string, MachineAdapter, CaseSnapshot, CaseStart];
const cases: Case[] = MACHINE_VERSIONS.flatMap((version): Case[] => {
  const adapter = adapterFor(version);
  if (LEGACY_VERSIONS.includes(version)) {
    const start: CaseStart = { id: CASE_ID, intake: INTAKE, at: AT, registeredAtBureau: false };
    return (Object.keys(PATHS) as (keyof typeof PATHS)[]).map((milestone): Case => [
      `v${version} ${milestone}`,
      adapter,
      reach(milestone, version) as unknown as CaseSnapshot,
      start,
    ]);
  }
  return [true, false].map((atBureau): Case => {
    const start: CaseStart = { id: CASE_ID, intake: intakeOf('complaint', atBureau ? BUREAU : BODY), at: AT, registeredAtBureau: atBureau };
    return [`v${version} registered at the ${atBureau ? 'bureau' : 'body'}`, adapter, adapter.start(start), start];
  });
});

/** A view as a response carries it (its fields worked out on read included). */
const sent = (view: object) => JSON.parse(JSON.stringify(view)) as Record<string, unknown>;

describe.each(cases)('the view of %s', (_name, adapter, snapshot, start) => {
  const rec = rowOf(adapter, snapshot, start);

  it.each(viewers.map((v) => [`${v.role} of ${v.unit}`, v] as const))('read by a %s is the one built from the machine', (_who, viewer) => {
    const fromRow = toPetitionView(rec, [], viewer, NOW, { units });
    const fromMachine = toPetitionView(rec, [], viewer, NOW, { units, live: restoreCase(adapter, rec) });
    expect(sent(fromRow)).toEqual(sent(fromMachine));
  });

  it('restores the machine only for an open case', () => {
    const restore = jest.spyOn(adapter, 'restore');
    try {
      for (const viewer of viewers) sent(toPetitionView(rec, [], viewer, NOW, { units }));
      if (!adapter.isOpen(snapshot)) expect(restore).not.toHaveBeenCalled();
      else {
        // Once a view at most, and only for viewers who may send something (a unit the case passed reads it alone).
        expect(restore).toHaveBeenCalled();
        expect(restore.mock.calls.length).toBeLessThanOrEqual(viewers.length);
      }
    } finally {
      restore.mockRestore();
    }
  });
});

it('covers closed cases and open ones, and views that allow events', () => {
  const open = cases.filter(([, adapter, snapshot]) => adapter.isOpen(snapshot)).length;
  expect(open).toBeGreaterThan(0);
  expect(cases.length - open).toBeGreaterThan(0);
  const allowing = cases.filter(([, adapter, snapshot, start]) =>
    viewers.some((viewer) => toPetitionView(rowOf(adapter, snapshot, start), [], viewer, NOW, { units }).allowedEvents.length > 0),
  );
  expect(allowing.length).toBeGreaterThan(cases.length / 2);
});
