/**
 * The case row's stored form of a snapshot: for every machine version, the start's keys are exactly what the start
 * fixes, leaving them out and putting them back from the intake entry gives the machine's own snapshot again, and a
 * row written before they were left out restores and compares as it is.
 */
import { canonical } from '../../engine/audit-hash';
import { matchesStored, restoreCase, storedFormOf } from '../../engine/case-snapshot';
import type { CaseStart, MachineAdapter } from '../../machines/machine-adapter';
import { adapterFor, LEGACY_VERSIONS, MACHINE_VERSIONS } from '../../machines/petition.registry';
import { holdsStart, leanStored } from '../../machines/stored-form';
import { AT, CASE_ID, INTAKE } from '../support/machine-fixtures';
import { intakeOf } from '../support/machine-v3-fixtures';

// Every released version (a new one is covered as soon as it is registered).
const cases: [string, MachineAdapter, CaseStart][] = MACHINE_VERSIONS.map((version) => [
  `version ${version}`,
  adapterFor(version),
  LEGACY_VERSIONS.includes(version)
    ? { id: CASE_ID, intake: INTAKE, at: AT, registeredAtBureau: false }
    : { id: CASE_ID, intake: intakeOf('complaint'), at: AT, registeredAtBureau: true },
]);

describe.each(cases)('the stored form of %s', (_name, adapter, start) => {
  const snapshot = adapter.start(start);
  const whole = adapter.toStored(snapshot);
  const entry = { fields: adapter.intakeTrailFields(start), at: start.at };

  it('names as start keys exactly the context the start gives, with the values the machine put there', () => {
    const given = adapter.startContext(start);
    expect(Object.keys(given).sort()).toEqual([...adapter.startKeys].sort());
    const context = whole.context as Record<string, unknown>;
    for (const [key, value] of Object.entries(given)) expect(canonical(context[key])).toBe(canonical(value));
  });

  it('leaves the start keys out of the row and puts them back from the intake entry', () => {
    const stored = storedFormOf(adapter, snapshot);
    expect(holdsStart(adapter, stored)).toBe(false);
    for (const key of adapter.startKeys) expect(Object.keys(stored.context as object)).not.toContain(key);
    const restored = restoreCase(adapter, { id: CASE_ID, snapshot: stored }, entry);
    expect(canonical(adapter.toStored(restored))).toBe(canonical(whole));
    expect(matchesStored(adapter, snapshot, stored)).toBe(true);
  });

  it('restores and matches a row written with the whole snapshot, without reading the intake entry', () => {
    expect(holdsStart(adapter, whole)).toBe(true);
    expect(canonical(adapter.toStored(restoreCase(adapter, { id: CASE_ID, snapshot: whole })))).toBe(canonical(whole));
    expect(matchesStored(adapter, snapshot, whole)).toBe(true);
  });

  it('refuses to restore a stored form read without its intake entry, and tells a changed row apart', () => {
    const stored = storedFormOf(adapter, snapshot);
    expect(() => restoreCase(adapter, { id: CASE_ID, snapshot: stored })).toThrow(/without its intake entry/);
    const changed = { ...stored, context: { ...(stored.context as object), listed: true } };
    expect(matchesStored(adapter, snapshot, changed)).toBe(false);
    expect(matchesStored(adapter, snapshot, leanStored({ startKeys: adapter.startKeys.slice(1) }, whole))).toBe(false);
  });
});
