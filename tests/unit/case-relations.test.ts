import { relationsOf, type CaseRelationUnits, type Relation } from '../../machines/case-relations';

/**
 * A complaint registered at 扶沟县信访局 (411621-01), transferred by it to
 * 扶沟县教体局 (411621-11), under review by 周口市教体局 (411600-11).
 */
const REVIEWING: CaseRelationUnits = { senders: ['411621-01'], body: '411621-11', review: '411600-11' };
/** Registered at 周口市信访局, transferred to 扶沟县 (the county government), not yet answered. */
const COUNTY_BODY: CaseRelationUnits = { senders: ['411600-01'], body: '411621', review: null };
/** Just registered at 西华县信访局: no body yet. */
const REGISTERED: CaseRelationUnits = { senders: ['411622-01'], body: null, review: null };
/** Answered by 扶沟县教体局; asking for review, which 扶沟县 (its reviewBody by default) will decide. */
const ASKING_REVIEW: CaseRelationUnits = { senders: ['411621-01'], body: '411621-11', review: null, prospectiveReview: '411621' };

const TABLE: readonly [string, CaseRelationUnits, string, readonly Relation[]][] = [
  ['reviewing', REVIEWING, '411621-01', ['sender']],
  ['reviewing', REVIEWING, '411621-11', ['body']],
  ['reviewing', REVIEWING, '411600-11', ['review']],
  ['reviewing', REVIEWING, '411621', ['above']],
  ['reviewing', REVIEWING, '411600', ['above']],
  ['reviewing', REVIEWING, '410000', ['above']],
  ['reviewing', REVIEWING, '411600-01', []],
  ['reviewing', REVIEWING, '411621-12', []],
  ['reviewing', REVIEWING, '411622', []],
  ['reviewing', REVIEWING, '411621206', []],
  ['county body', COUNTY_BODY, '411600-01', ['sender']],
  ['county body', COUNTY_BODY, '411621', ['body']],
  // Below the body is inside its subtree: a township and a department of the county government handling it.
  ['county body', COUNTY_BODY, '411621206', ['body']],
  ['county body', COUNTY_BODY, '411621-11', ['body']],
  ['county body', COUNTY_BODY, '411600', ['above']],
  ['county body', COUNTY_BODY, '411622', []],
  ['registered', REGISTERED, '411622-01', ['sender']],
  ['registered', REGISTERED, '411622', ['above']],
  ['registered', REGISTERED, '411622-11', []],
  ['asking review', ASKING_REVIEW, '411621', ['review', 'above']],
  ['asking review', ASKING_REVIEW, '411621-11', ['body', 'review']],
  ['asking review', ASKING_REVIEW, '411600-11', []],
  ['asking review', ASKING_REVIEW, '411621-01', ['sender', 'review']],
];

describe('relationsOf', () => {
  it.each(TABLE)('%s case, actor %s → %j', (_label, units, actor, expected) => {
    expect(relationsOf(actor, units)).toEqual(expected);
  });

  it('makes a unit that registered and handles its own matter sender and body at once', () => {
    expect(relationsOf('411621-11', { senders: ['411621-11'], body: '411621-11', review: null })).toEqual(['sender', 'body']);
  });

  it('counts every bureau that transferred the case as a sender', () => {
    const units = { senders: ['411600-01', '411621-01'], body: '411621-12', review: null };
    expect(relationsOf('411600-01', units)).toEqual(['sender']);
    expect(relationsOf('411621-01', units)).toEqual(['sender']);
  });
});
