/**
 * Identifiers are normalised at intake (digits, `X` for an ID's check
 * character, the GB 11643 check digit verified) and masked by digits, not by
 * characters: separators typed in an older case must not widen what a masked
 * role sees.
 */
import { maskIdNumber, maskPerson, maskPhone } from '../../engine/access';
import { intakeSchema, type Intake } from '../../machines/petition.schemas';
import { isValidResidentId } from '../../machines/resident-id';

const INTAKE: Intake = {
  channel: 'letter',
  unit: '411621',
  petitioner: { name: '张某', idNumber: '41272119900101341X', phone: '18749261234', address: '扶沟县曹里乡' },
  matter: { category: 'land', summary: '宅基地纠纷' },
};

function withPetitioner(p: Record<string, unknown>): unknown {
  return { ...INTAKE, petitioner: { ...INTAKE.petitioner, ...p } };
}

/** How many digits of `phone` a masked value shows. */
function digitsShown(masked: string): number {
  return masked.replace(/[^0-9]/g, '').length;
}

describe('GB 11643 check digit', () => {
  test.each(['41272119900101341X', '11010519491231002X', '440524188001010014', '411621198811110034'])('accepts %s', (id) => {
    expect(isValidResidentId(id)).toBe(true);
  });
  test.each(['412721199001013411', '11010519491231002Y', '41272119900101341', '4127211990010134100', '41272119900101341x'])(
    'refuses %s',
    (id) => {
      expect(isValidResidentId(id)).toBe(false);
    },
  );
});

describe('intake normalises identifiers', () => {
  test('phones keep their digits (and a leading + for a country code)', () => {
    for (const [typed, stored] of [
      ['13511112222    ', '13511112222'],
      ['1391234 5 6 7 8', '13912345678'],
      ['0394-6212345', '03946212345'],
      ['+86 139 1234 5678', '+8613912345678'],
    ] as const) {
      const parsed = intakeSchema.safeParse(withPetitioner({ phone: typed }));
      expect({ typed, phone: parsed.data?.petitioner.phone }).toEqual({ typed, phone: stored });
    }
  });

  test('ID numbers: 18 characters, an upper-case X, separators dropped', () => {
    for (const typed of ['41272119900101341x', ' 412721 19900101 341X ', '4127-2119-9001-0134-1X']) {
      expect(intakeSchema.safeParse(withPetitioner({ idNumber: typed })).data?.petitioner.idNumber).toBe('41272119900101341X');
    }
  });

  test('an ID number with a wrong check digit is refused at its field path, without echoing it', () => {
    const parsed = intakeSchema.safeParse(withPetitioner({ idNumber: '412721199001013411' }));
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path)).toEqual([['petitioner', 'idNumber']]);
    expect(JSON.stringify(parsed.error?.issues.map((i) => i.message))).not.toContain('412721199001013411');
    const rep = intakeSchema.safeParse({ ...INTAKE, representatives: [{ name: '李某', idNumber: '412721199001013411' }] });
    expect(rep.error?.issues.map((i) => i.path)).toEqual([['representatives', 0, 'idNumber']]);
  });

  test('a phone with too few or too many digits, or letters, is refused', () => {
    for (const phone of ['1 2 3 4', '1'.repeat(21), 'call me', '139-1234-567a', '++8613912345678']) {
      expect(intakeSchema.safeParse(withPetitioner({ phone })).error?.issues.map((i) => i.path)).toEqual([['petitioner', 'phone']]);
    }
  });
});

describe('masking counts digits, whatever separators an older case was stored with', () => {
  test('a phone shows at most all but its last 4 digits', () => {
    expect(maskPhone('18749261234')).toBe('1874926xxxx');
    expect(maskPhone('1391234 5 6 7 8')).toBe('1391234xxxx');
    expect(maskPhone('13511112222    ')).toBe('1351111xxxx');
    expect(maskPhone('139-1234-5678')).toBe('1391234xxxx');
    expect(maskPhone('+86 139 1234 5678')).toBe('+861391234xxxx');
    expect(maskPhone('1 2 3 4')).toBe('xxxx');
    for (const typed of ['1391234 5 6 7 8', '13511112222    ', '1 3 9 1 2 3 4 5 6 7 8 ', '139  1234  5678']) {
      expect(digitsShown(maskPhone(typed))).toBe(7);
    }
  });

  test('an ID number shows its first 8 and last 4 characters, never more', () => {
    expect(maskIdNumber('41272119900101341X')).toBe('41272119xxxxxx341X');
    expect(maskIdNumber('41272119900101341x')).toBe('41272119xxxxxx341X');
    expect(maskIdNumber('4127 2119 9001 0134 1X')).toBe('41272119xxxxxx341X');
    expect(maskIdNumber('41272119900101341X    ')).toBe('41272119xxxxxx341X');
    expect(maskIdNumber('4127211990')).toBe('xxxxxxxxxx');
  });

  test('masking a masked value changes nothing (a stored response is masked again on the way out)', () => {
    for (const v of ['18749261234', '1391234 5 6 7 8', '+86 139 1234 5678', '123']) expect(maskPhone(maskPhone(v))).toBe(maskPhone(v));
    for (const v of ['41272119900101341X', '4127 2119 9001 0134 1x', '4127211990'])
      expect(maskIdNumber(maskIdNumber(v))).toBe(maskIdNumber(v));
  });

  test('maskPerson applies both for masked roles and leaves the clerk’s view alone', () => {
    const stored = { name: '张某', idNumber: '4127 2119 9001 0134 1X', phone: '1391234 5 6 7 8' };
    expect(maskPerson(stored, 'handler')).toEqual({ name: '张某', idNumber: '41272119xxxxxx341X', phone: '1391234xxxx' });
    expect(maskPerson(stored, 'clerk')).toEqual(stored);
  });
});
