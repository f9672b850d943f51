/**
 * Resident ID numbers (公民身份号码, GB 11643-1999): 17 digits (region, birth
 * date, sequence) and a check character, `0`-`9` or `X`, computed from them
 * by ISO 7064 MOD 11-2.
 */

/** The weights 2^(17-i) mod 11 of the 17 body digits. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;

/** The check character for each remainder of the weighted sum mod 11. */
const CHECK_CHARACTERS = '10X98765432';

/** The check character of a 17-digit body. */
export function residentIdCheckCharacter(body: string): string {
  let sum = 0;
  for (let i = 0; i < WEIGHTS.length; i += 1) sum += Number(body[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARACTERS[sum % 11] ?? '';
}

/** Whether `id` is a normalised resident ID number (18 characters, upper-case `X`) whose check character is right. */
export function isValidResidentId(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && residentIdCheckCharacter(id.slice(0, 17)) === id[17];
}
