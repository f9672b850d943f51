import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema';

type Executor = Kysely<Database> | Transaction<Database>;

/** A command that was refused, kept for supervisors and auditors. */
export interface RefusedAttempt {
  readonly caseId: string | null;
  readonly actor: { readonly id: string; readonly role: string; readonly unit: string };
  readonly eventType: string;
  readonly state: string | null;
  readonly code: string;
  readonly message: string;
  readonly at: Date;
}

/** Records a refusal. Messages never carry personal data: they name rules, not people. */
export async function recordRefusal(db: Executor, r: RefusedAttempt): Promise<void> {
  await db
    .insertInto('refused_attempts')
    .values({
      case_id: r.caseId,
      actor_id: r.actor.id,
      actor_role: r.actor.role,
      actor_unit: r.actor.unit,
      event_type: r.eventType,
      state: r.state,
      code: r.code,
      message: r.message,
      at: r.at,
    })
    .execute();
}
