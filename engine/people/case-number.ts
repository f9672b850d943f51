/**
 * Readable case numbers: `扶信〔2026〕123号`, the registering unit's short
 * name, the year in Beijing time, and a counter per unit and year.
 */
import type { Transaction } from 'kysely';
import { nextCaseCounter, unitNaming } from '../../db/case-number.repository';
import type { Database } from '../../db/schema';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;

/** The calendar year of an instant in Beijing time (a case recorded at 2026-12-31T20:00Z is a 2027 case). */
export function beijingYear(at: Date): number {
  return new Date(at.getTime() + BEIJING_OFFSET_MS).getUTCFullYear();
}

/**
 * The prefix when a unit has no short name: a petition bureau's `X…信访局`
 * gives `X信` (扶沟县信访局 → 扶信), any other name its first two characters,
 * and a unit missing from the tree its code.
 */
export function fallbackShortName(unit: string, name: string | null): string {
  if (name === null || name.trim() === '') return unit;
  const chars = Array.from(name.trim());
  if (name.endsWith('信访局')) return `${chars[0] ?? ''}信`;
  return chars.slice(0, 2).join('');
}

/** Formats a case number. */
export function formatCaseNumber(prefix: string, year: number, counter: number): string {
  return `${prefix}〔${year}〕${counter}号`;
}

/** The next number of a unit, taken in the intake transaction (see `nextCaseCounter` for why it is unique). */
export async function nextCaseNumber(trx: Transaction<Database>, unit: string, at: Date): Promise<string> {
  const year = beijingYear(at);
  const { name, shortName } = await unitNaming(trx, unit);
  const counter = await nextCaseCounter(trx, unit, year);
  return formatCaseNumber(shortName ?? fallbackShortName(unit, name), year, counter);
}

/** Whether a search term has the shape of a case number (`…〔2026〕123号`). */
export function looksLikeCaseNumber(q: string): boolean {
  return /〔\d{4}〕\d+号$/.test(q);
}
