import { beijingYear, fallbackShortName, formatCaseNumber, looksLikeCaseNumber } from '../../engine/people/case-number';
import {
  gramSimilarity,
  identifierDigest,
  nameGrams,
  nameQueryGrams,
  probeGrams,
  summaryGrams,
  textKey,
} from '../../engine/people/person-keys';

describe('person keys', () => {
  it('indexes a Chinese name by characters and pairs, and asks a partial name for what it must contain', () => {
    expect(nameGrams('欧阳明华').sort()).toEqual(['华', '明', '明华', '欧', '欧阳', '阳', '阳明'].sort());
    expect(nameQueryGrams('明华')).toEqual(['明华']);
    expect(nameQueryGrams(' 华 ')).toEqual(['华']);
    expect(nameQueryGrams('欧阳明')).toEqual(['欧阳', '阳明']);
    expect(textKey('孙 八·')).toBe('孙八');
  });

  it('scores restatements of one request above different requests', () => {
    const same = gramSimilarity(summaryGrams('村内道路损坏严重，请求维修'), summaryGrams('村里道路损坏严重，请求尽快维修'));
    const other = gramSimilarity(summaryGrams('村内道路损坏严重，请求维修'), summaryGrams('低保资格被取消，请求恢复'));
    expect(same).toBeGreaterThan(0.4);
    expect(other).toBeLessThan(0.1);
  });

  it('digests an identifier under the key and its kind', () => {
    const key = Buffer.from('k'.repeat(32));
    expect(identifierDigest(key, 'id', '41272119900101341X')).toEqual(identifierDigest(key, 'id', '41272119900101341X'));
    expect(identifierDigest(key, 'id', '18749261234')).not.toEqual(identifierDigest(key, 'phone', '18749261234'));
    expect(identifierDigest(Buffer.from('j'.repeat(32)), 'id', '41272119900101341X')).not.toEqual(
      identifierDigest(key, 'id', '41272119900101341X'),
    );
  });
});

describe('case numbers', () => {
  it('count the year in Beijing time', () => {
    expect(beijingYear(new Date('2026-12-31T15:59:59Z'))).toBe(2026);
    expect(beijingYear(new Date('2026-12-31T16:00:00Z'))).toBe(2027);
  });

  it('fall back from the unit name when there is no short name', () => {
    expect(fallbackShortName('411621-01', '扶沟县信访局')).toBe('扶信');
    expect(fallbackShortName('411621', '扶沟县')).toBe('扶沟');
    expect(fallbackShortName('411699', null)).toBe('411699');
    expect(formatCaseNumber('扶信', 2026, 123)).toBe('扶信〔2026〕123号');
    expect(looksLikeCaseNumber('扶信〔2026〕123号')).toBe(true);
    expect(looksLikeCaseNumber('张三')).toBe(false);
  });
});

describe('probe grams (prefix filtering)', () => {
  it('keeps the rarest n − ⌈t·n⌉ + 1 grams, so every summary at or above the threshold shares one', () => {
    const grams = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const freq = new Map([
      ['a', 0.9],
      ['b', 0.5],
      ['c', 0.1],
    ]);
    const probe = probeGrams(grams, freq, 0.25);
    expect(probe).toHaveLength(8 - 2 + 1);
    expect(probe).not.toContain('a');
    // Any set sharing ≥ 2 of the 8 (needed for Jaccard ≥ 0.25) meets the probe.
    for (let i = 0; i < grams.length; i++)
      for (let j = i + 1; j < grams.length; j++) expect([grams[i], grams[j]].some((g) => probe.includes(g ?? ''))).toBe(true);
  });
});
