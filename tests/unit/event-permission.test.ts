/**
 * The one answer to "may this actor send this event to this case now", across
 * machine versions: a role no version lets send an event is FORBIDDEN; a role
 * that sends it elsewhere is refused with EVENT_NOT_ALLOWED where the case's
 * version, state or guards do not take it.
 */
import { allowedEvents, eventPermission, roleMaySend } from '../../machines/event-permission';
import { permissionsFor } from '../../machines/petition.registry';
import { AT, ev, reach, start, VALID_FIELDS } from '../support/machine-fixtures';
import { MACHINE_VERSION_1 } from '../../machines/versions/v1';
import { MACHINE_VERSION_2 } from '../../machines/versions/v2';

const conference = VALID_FIELDS.LINK_CONFERENCE;

describe('eventPermission', () => {
  test('LINK_CONFERENCE: allowed for a supervisor under v2, not allowed under v1, forbidden to a handler under both', () => {
    for (const version of [MACHINE_VERSION_1, MACHINE_VERSION_2]) {
      expect(eventPermission(start(version), ev('LINK_CONFERENCE', 'handler', conference))).toBe('FORBIDDEN');
    }
    expect(eventPermission(start(MACHINE_VERSION_2), ev('LINK_CONFERENCE', 'supervisor', conference))).toBe('allowed');
    expect(eventPermission(start(MACHINE_VERSION_1), ev('LINK_CONFERENCE', 'supervisor', conference))).toBe('EVENT_NOT_ALLOWED');
  });

  test('a permitted role in the wrong state, or with a state rule unmet, is not allowed; in the right one it is', () => {
    const received = start();
    expect(eventPermission(received, ev('DELIVER', 'clerk', VALID_FIELDS.DELIVER))).toBe('EVENT_NOT_ALLOWED');
    expect(eventPermission(received, ev('PROVIDE_INFO', 'clerk', VALID_FIELDS.PROVIDE_INFO))).toBe('EVENT_NOT_ALLOWED');
    expect(eventPermission(received, ev('VERIFY', 'clerk', VALID_FIELDS.VERIFY))).toBe('allowed');
    expect(eventPermission(received, ev('VERIFY', 'auditor', VALID_FIELDS.VERIFY))).toBe('FORBIDDEN');
  });

  test('a closed case allows nothing, and allowedEvents lists what eventPermission allows', () => {
    const closed = reach('closed');
    expect(eventPermission(closed, ev('ASSIGN_LEADER', 'supervisor', VALID_FIELDS.ASSIGN_LEADER))).toBe('EVENT_NOT_ALLOWED');
    expect(allowedEvents(closed, 'supervisor', AT)).toEqual([]);
    expect(allowedEvents(start(MACHINE_VERSION_1), 'supervisor', AT)).not.toContain('LINK_CONFERENCE');
    expect(allowedEvents(start(MACHINE_VERSION_2), 'supervisor', AT)).toContain('LINK_CONFERENCE');
  });

  test('roleMaySend is the union of every version: v2 adds LINK_CONFERENCE for the supervisor only', () => {
    expect(permissionsFor(MACHINE_VERSION_1).LINK_CONFERENCE).toBeUndefined();
    expect(permissionsFor(MACHINE_VERSION_2).LINK_CONFERENCE).toEqual({ '*': ['supervisor'] });
    expect(roleMaySend('LINK_CONFERENCE', 'supervisor')).toBe(true);
    expect(roleMaySend('LINK_CONFERENCE', 'clerk')).toBe(false);
    expect(roleMaySend('DEADLINE_BREACHED', 'system')).toBe(true);
  });
});
