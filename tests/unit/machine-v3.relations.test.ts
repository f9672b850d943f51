/**
 * Relations of an actor's unit to a version 3 case, computed from the units
 * the snapshot records and a small unit tree (departments included, with
 * their review bodies).
 */
import { relationsOfV3, type UnitTreeView } from '../../machines/versions/v3/v3.relations';
import { stateNameV3, type V3Snapshot } from '../../machines/versions/v3/v3.machine';
import { ABOVE, BODY, BUREAU, OTHER_BODY, REVIEW_BODY, RE_REVIEW_BODY, reach, start } from '../support/machine-v3-fixtures';

/** The test tree: unit → parent, and the review body of the handling body (not its parent). */
const PARENT: Record<string, string | undefined> = {
  [RE_REVIEW_BODY]: ABOVE,
  [BUREAU]: RE_REVIEW_BODY,
  [REVIEW_BODY]: RE_REVIEW_BODY,
  [BODY]: BUREAU,
  [OTHER_BODY]: BUREAU,
};
const REVIEW: Record<string, string> = { [BODY]: REVIEW_BODY, [REVIEW_BODY]: RE_REVIEW_BODY };

const tree: UnitTreeView = {
  within: (unit, scope) => {
    for (let u: string | undefined = unit; u !== undefined; u = PARENT[u]) if (u === scope) return true;
    return false;
  },
  reviewBodyOf: (unit) => REVIEW[unit] ?? PARENT[unit] ?? null,
};

const of = (snapshot: V3Snapshot, unit: string) => relationsOfV3(snapshot.context, stateNameV3(snapshot), unit, tree);

describe('relations of v3', () => {
  test('at the bureau: the bureau is the sender, the units above it are above, others nothing', () => {
    const s = start();
    expect(of(s, BUREAU)).toEqual(['sender']);
    expect(of(s, RE_REVIEW_BODY)).toEqual(['above']);
    expect(of(s, BODY)).toEqual([]);
  });

  test('transferred: the township is the body; the county bureau, its parent in this tree, is its sender and above it', () => {
    const s = reach('transferred');
    expect(of(s, BODY)).toEqual(['body']);
    expect(of(s, BUREAU)).toEqual(['sender', 'above']);
    expect(of(s, OTHER_BODY)).toEqual([]);
  });

  test('delivered: the body’s review body takes the review request; after it, it is the review body', () => {
    expect(of(reach('delivered'), REVIEW_BODY)).toEqual(['review']);
    expect(of(reach('reviewing'), REVIEW_BODY)).toEqual(['review']);
    expect(of(reach('reviewAnswered'), REVIEW_BODY)).toEqual(['review']);
  });

  test('after the review answer is delivered, the next body up takes the re-review request', () => {
    const s = reach('reviewDelivered');
    expect(of(s, RE_REVIEW_BODY)).toEqual(['review', 'above']);
    expect(of(s, REVIEW_BODY)).toEqual([]);
  });

  test('a unit below a body is not that body', () => {
    expect(of(reach('reviewing'), BODY)).toEqual(['body']);
    expect(of(reach('reviewDelivered'), REVIEW_BODY)).not.toContain('review');
  });

  test('a body registering its own matter is its sender and its body', () => {
    expect(of(start({ atBody: true }), BODY)).toEqual(['sender', 'body']);
  });
});
