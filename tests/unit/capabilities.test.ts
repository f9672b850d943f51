/**
 * The capability table: every role × capability pair, written out here as the
 * expected answer, so a change to who may do what shows up as a test change.
 */
import { AccessError } from '../../engine/errors';
import { CAPABILITIES, CAPABILITY_NAMES, mayUse, refusalOf, requireCapability, type Capability } from '../../engine/access';
import { ROLES, type Role } from '../../machines/petition.vocabulary';

const CASE_WORK: readonly Role[] = ['clerk', 'handler', 'mediator', 'supervisor', 'leader', 'auditor'];

const EXPECTED: Record<Capability, readonly Role[]> = {
  'cases.read': CASE_WORK,
  'petitions.intake': ['clerk', 'supervisor'],
  'incidents.list': ['supervisor', 'auditor'],
  'incidents.retry': ['supervisor'],
  'supervision.board': ['supervisor', 'leader', 'auditor'],
  'audit.verify': ['supervisor', 'auditor'],
  'audit.checkpoints.list': ['auditor'],
  'audit.checkpoints.take': ['supervisor', 'auditor'],
  'audit.replay': CASE_WORK,
  'audit.history-csv': CASE_WORK,
  'statistics.read': ['supervisor', 'leader', 'auditor'],
  'users.admin': ['admin'],
  'users.directory': [...CASE_WORK, 'admin'],
  'units.read': [...CASE_WORK, 'admin'],
  'people.search': CASE_WORK,
  'people.link': ['clerk'],
  'audit.access-log': ['auditor'],
};

const PAIRS = CAPABILITY_NAMES.flatMap((capability) => ROLES.map((role) => [capability, role] as const));

describe('the capability table', () => {
  it('lists exactly the capabilities expected here', () => {
    expect([...CAPABILITY_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(PAIRS)('%s for a %s', (capability, role) => {
    const allowed = EXPECTED[capability].includes(role);
    expect(mayUse(role, capability)).toBe(allowed);
    const call = () => requireCapability({ role }, capability);
    if (allowed) {
      expect(call).not.toThrow();
    } else {
      expect(call).toThrow(AccessError);
      expect(call).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }) as Error);
    }
  });

  it('never grants the workers’ system role a person’s capability', () => {
    for (const capability of CAPABILITY_NAMES) expect(mayUse('system', capability)).toBe(false);
  });

  it('gives an administrator no capability that reveals a case', () => {
    const adminMay = CAPABILITY_NAMES.filter((c) => mayUse('admin', c));
    // The unit tree names no person and no case; administrators need it to place accounts.
    expect(adminMay.sort()).toEqual(['units.read', 'users.admin', 'users.directory']);
  });

  it('refuses in a sentence that reads well', () => {
    expect(refusalOf('auditor', 'incidents.retry')).toBe('an auditor may not retry incidents (supervisors only)');
    expect(refusalOf('handler', 'incidents.list')).toBe('a handler may not see incidents (supervisors and auditors only)');
    expect(refusalOf('clerk', 'supervision.board')).toBe(
      'a clerk may not see the supervision board (supervisors, leaders and auditors only)',
    );
    expect(refusalOf('mediator', 'petitions.intake')).toBe('a mediator may not record petitions (clerks and supervisors only)');
    expect(refusalOf('admin', 'cases.read')).toBe(
      'an admin may not see cases (clerks, handlers, mediators, supervisors, leaders and auditors only)',
    );
  });

  it('gives every capability at least one role and an action', () => {
    for (const capability of CAPABILITY_NAMES) {
      expect(CAPABILITIES[capability].roles.length).toBeGreaterThan(0);
      expect(CAPABILITIES[capability].action).toMatch(/^[a-z]/);
    }
  });
});
