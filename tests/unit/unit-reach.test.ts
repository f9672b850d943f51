import { accusedUnitRefusal, isWithinReach, reachRefusal } from '../../engine/access';
import { unitTreeOf } from '../../engine/unit-directory.service';
import { DEMO_UNITS } from '../../cli/demo-units';
import type { PetitionEvent } from '../../machines/petition.machine';

const TREE = unitTreeOf(DEMO_UNITS);

describe('isWithinReach (转送, 交办: the subtree of the sender’s division, a unit of the tree)', () => {
  it.each([
    // A county bureau: its county's departments and government, townships, villages; never the city or a sibling.
    ['411621-01', '411621-11', true],
    ['411621-01', '411621-15', true],
    ['411621-01', '411621', true],
    ['411621-01', '411621206', true],
    ['411621-01', '411621206201', true],
    ['411621-01', '411600-11', false],
    ['411621-01', '411600', false],
    ['411621-01', '411622-11', false],
    ['411621-01', '411622', false],
    // A city bureau: its own departments, its counties and their departments.
    ['411600-01', '411600-11', true],
    ['411600-01', '411621', true],
    ['411600-01', '411621-11', true],
    ['411600-01', '410000', false],
    // A department reaches within its own government's subtree too.
    ['411621-11', '411621206', true],
    ['411621-11', '411622', false],
    // Not in the tree: never, even inside the subtree.
    ['411621-01', '411621-99', false],
    ['411621-01', '411621999', false],
    // Division actors (machine versions 1 and 2): their own subtree, as before.
    ['411621', '411621', true],
    ['411621', '411621206', true],
    ['411621', '411681', false],
    ['411600', '411681', true],
  ])('%s → %s: %s', (actor, target, ok) => {
    expect(isWithinReach(actor, target, TREE)).toBe(ok);
  });

  it('checks only the subtree where no unit tree was imported', () => {
    const none = unitTreeOf([]);
    expect(isWithinReach('411621', '411621999', none)).toBe(true);
    expect(isWithinReach('411621', '411622', none)).toBe(false);
  });

  it('refuses ASSIGN and REASSIGN out of reach with FORBIDDEN, and lets other events be', () => {
    const actor = { id: 'sup', role: 'supervisor', unit: '411621' } as const;
    const assign = { type: 'ASSIGN', unit: '411622', actor, at: '2026-03-02T00:00:00.000Z' } as PetitionEvent;
    expect(reachRefusal(assign, actor, TREE)).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(/outside your reach/) });
    expect(reachRefusal({ ...assign, unit: '411621206' } as PetitionEvent, actor, TREE)).toBeUndefined();
    const verify: PetitionEvent = { type: 'VERIFY', actor, at: assign.at };
    expect(reachRefusal(verify, actor, TREE)).toBeUndefined();
  });
});

describe('accusedUnitRefusal (Arts 30, 46)', () => {
  it.each([
    ['411621-11', '411621-11', true],
    ['411621', '411621-11', true],
    ['411621', '411621206', true],
    ['411621206', '411621206201', true],
    ['411621-11', '411621', false],
    ['411621-11', '411621-12', false],
    ['411621-11', '411600-11', false],
    ['411622', '411621', false],
  ])('accused %s, target %s: refused %s', (accused, target, refused) => {
    const refusal = accusedUnitRefusal(accused, target);
    expect(refusal !== undefined).toBe(refused);
    if (refusal !== undefined)
      expect(refusal).toMatchObject({
        code: 'EVENT_NOT_ALLOWED',
        details: { rule: 'accused-unit' },
        message: expect.stringMatching(/Arts 30, 46/),
      });
  });

  it('lets anything through when the matter accuses nobody', () => {
    expect(accusedUnitRefusal(undefined, '411621')).toBeUndefined();
  });
});
