import { divisionCodeSchema } from '../../machines/petition.roles';
import { ancestorsOf, divisionOf, inSubtree, isStrictAncestor, parentDivisionOf, unitSubtreePrefix } from '../../machines/unit-tree';

describe('unit codes', () => {
  it.each([
    ['410000', true],
    ['411621', true],
    ['411621206', true],
    ['411621206201', true],
    ['411621-01', true],
    ['411621-11', true],
    ['411600-11', true],
    ['411621-1', false],
    ['411621-111', false],
    ['411621206-11', false],
    ['4116211', false],
    ['411621_11', false],
    ['', false],
  ])('%s is a unit code: %s', (code, ok) => {
    expect(divisionCodeSchema.safeParse(code).success).toBe(ok);
  });
});

describe('the tree read from codes', () => {
  it.each([
    ['411621-11', '411621', '411621'],
    ['411600-01', '411600', '411600'],
    ['411621', '411621', '411600'],
    ['411621206', '411621206', '411621'],
    ['411621206201', '411621206201', '411621206'],
    ['411600', '411600', '410000'],
    ['410000', '410000', null],
  ])('%s: division %s, parent %s', (code, division, parent) => {
    expect(divisionOf(code)).toBe(division);
    expect(parentDivisionOf(code)).toBe(parent);
  });

  it('lists the ancestors nearest first', () => {
    expect(ancestorsOf('411621-11')).toEqual(['411621', '411600', '410000']);
    expect(ancestorsOf('411621206201')).toEqual(['411621206', '411621', '411600', '410000']);
    expect(ancestorsOf('410000')).toEqual([]);
  });

  it('puts a government’s bodies in its subtree, and a body’s subtree is itself', () => {
    expect(unitSubtreePrefix('411621-11')).toBe('411621-11');
    expect(inSubtree('411621-11', '411621')).toBe(true);
    expect(inSubtree('411621-11', '411600')).toBe(true);
    expect(inSubtree('411600-11', '411600')).toBe(true);
    expect(inSubtree('411621-11', '411621-01')).toBe(false);
    expect(inSubtree('411621', '411621-01')).toBe(false);
    expect(inSubtree('411621206', '411621-01')).toBe(false);
    expect(inSubtree('411622-11', '411621')).toBe(false);
    expect(isStrictAncestor('411621', '411621-11')).toBe(true);
    expect(isStrictAncestor('411621', '411621')).toBe(false);
    expect(isStrictAncestor('411621-01', '411621-11')).toBe(false);
  });
});
