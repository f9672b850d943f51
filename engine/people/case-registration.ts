/**
 * The registration step of intake (一人一档): the case's readable number, the
 * people it is linked to, and the system's proposal (`flags.first`: no
 * earlier matter of this petitioner; `flags.repeat`: an earlier matter on a
 * similar request). Called once from the intake transaction; it does not
 * depend on the machine version, only on the intake's petitioner,
 * representatives, unit and summary.
 */
import type { Transaction } from 'kysely';
import { indexCase, mattersOfPersons, resolvePerson, type PersonInput, type Recognition } from '../../db/person.repository';
import type { Database } from '../../db/schema';
import type { Intake } from '../../machines/petition.schemas';
import type { IntakeRegistration } from '../step-planner';
import { nextCaseNumber } from './case-number';
import { gramSimilarity, identifierDigest, nameGrams, SIMILARITY_THRESHOLD, summaryGrams, textKey } from './person-keys';

/** What registration reads of an intake, the same in every machine version: who petitions, where, about what. */
export type RegisteredIntake = Pick<Intake, 'unit' | 'petitioner' | 'representatives'> & { readonly matter: { readonly summary: string } };

/** The proposal recorded at intake. */
export interface IntakeFlags {
  /** 初信初访: the petitioner has no earlier matter. */
  readonly first: boolean;
  /** 重复信访: an earlier matter of the petitioner is on a similar request. */
  readonly repeat: boolean;
}

/** What registration decided, and the index rows to write once the case row exists. */
export interface Registration {
  readonly planned: IntakeRegistration;
  readonly flags: IntakeFlags | undefined;
  /** Writes the case's person links and summary bigrams (after the case row, in the same transaction). */
  readonly index: (trx: Transaction<Database>) => Promise<void>;
}

type Person = { name: string; idNumber?: string | undefined; phone?: string | undefined; address?: string };

function personInput(key: Buffer, p: Person, newId: string, at: Date): PersonInput {
  const address = p.address ?? '';
  return {
    newId,
    idHash: p.idNumber === undefined ? null : identifierDigest(key, 'id', p.idNumber),
    phoneHash: p.phone === undefined ? null : identifierDigest(key, 'phone', p.phone),
    idNumber: p.idNumber ?? null,
    phone: p.phone ?? null,
    name: p.name,
    nameKey: textKey(p.name),
    address,
    addressKey: textKey(address),
    nameGrams: nameGrams(p.name),
    at,
  };
}

type Link = { personId: string; role: 'petitioner' | 'representative'; recognised: Recognition };

/** The petitioner (always a file, weak when neither ID nor phone), then each representative with an ID number or phone. */
async function linkPeople(
  trx: Transaction<Database>,
  key: Buffer,
  intake: RegisteredIntake,
  at: Date,
  newId: () => string,
): Promise<Link[]> {
  const petitioner = await resolvePerson(trx, personInput(key, intake.petitioner, newId(), at));
  const links: Link[] = [{ personId: petitioner.id, role: 'petitioner', recognised: petitioner.recognised }];
  for (const rep of intake.representatives ?? []) {
    // A representative is only a name otherwise: not enough to open a file anyone could find again.
    if (rep.idNumber === undefined && rep.phone === undefined) continue;
    const r = await resolvePerson(trx, personInput(key, rep, newId(), at));
    if (!links.some((l) => l.personId === r.id)) links.push({ personId: r.id, role: 'representative', recognised: r.recognised });
  }
  return links;
}

/**
 * Registers a new case inside its intake transaction. Without a person index
 * key (engines built for machine-only tests) the case is still numbered and
 * its summary indexed, but linked to nobody and flagged nothing.
 */
export async function registerIntake(
  trx: Transaction<Database>,
  key: Buffer | undefined,
  c: { caseId: string; intake: RegisteredIntake; at: Date; newId: () => string },
): Promise<Registration> {
  const grams = summaryGrams(c.intake.matter.summary);
  const links = key === undefined ? [] : await linkPeople(trx, key, c.intake, c.at, c.newId);
  let flags: IntakeFlags | undefined;
  const petitioner = links[0];
  if (petitioner !== undefined) {
    const earlier = await mattersOfPersons(trx, [petitioner.personId]);
    flags = { first: earlier.length === 0, repeat: earlier.some((m) => gramSimilarity(m.grams, grams) >= SIMILARITY_THRESHOLD) };
  }
  // Last: the counter row stays locked until the intake commits, and every intake of the unit waits on it.
  const number = await nextCaseNumber(trx, c.intake.unit, c.at);
  const recorded = { number, persons: links, ...(flags !== undefined && { flags }) };
  return {
    planned: { number, recorded },
    flags,
    index: (t) => indexCase(t, { caseId: c.caseId, unit: c.intake.unit, grams, persons: links }),
  };
}
