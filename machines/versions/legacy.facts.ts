import { clocksOutcome, type CaseFacts, type ClockRun } from '../case-facts';
import type { PetitionContext } from '../petition.machine';

const CLOSURES: Readonly<Record<string, string>> = { final: 'final', 'window-lapsed': 'concluded', merged: 'merged' };
const STAGES = ['first', 'review', 'reReview'] as const;

/**
 * The facts of a case recorded under machine version 1 or 2, mapped from what
 * those versions kept: one acceptance clock (the bureau's 15 days), the
 * handling clock, one answer. They had no class (an accusation flag only), no
 * group head count, no skip-level, law-related or major flags and no person
 * file, so those count as absent; a rejection closes as 不予受理, and the time
 * of a closure was not recorded.
 */
export function legacyFacts(machineVersion: number, context: PetitionContext, runs: readonly ClockRun[]): CaseFacts {
  const acceptance = clocksOutcome(runs, ['acceptance'], 'timely', 'late');
  const handling = clocksOutcome(runs, ['handling'], 'on-time', 'overdue');
  const rating = typeof context.satisfaction === 'object' ? context.satisfaction : null;
  return {
    caseId: context.id,
    machineVersion,
    unit: context.unit,
    bodyUnit: context.assignee?.unit ?? null,
    registeredAt: context.receivedAt,
    channel: context.intake.channel,
    class: context.intake.matter.accusation === true ? 'accusation' : 'complaint',
    category: context.intake.matter.category,
    headCount: 1,
    flags: { group: false, skipLevel: false, lawRelated: false, majorUrgent: false, repeat: false, first: false },
    acceptance: acceptance.kind,
    acceptanceAt: acceptance.at,
    handling: handling.kind,
    handlingAt: handling.at,
    answeredAt: context.resolution?.at ?? null,
    outcome: context.resolution?.outcome ?? null,
    deliveredAt: context.delivery?.at ?? null,
    // Entries recorded before the field was named `body` carry the handling body's rating as `unit`.
    ratingBody: rating === null ? null : 'body' in rating ? rating.body : rating.unit,
    ratingBureau: rating?.bureau ?? null,
    closure: context.closure !== null ? (CLOSURES[context.closure] ?? context.closure) : context.rejection !== null ? 'rejected' : null,
    closedAt: null,
    transferred: false,
    assigned: context.assignee !== null,
    supervised: context.escalation !== null || context.listed,
    reviewStage: STAGES[context.reviewStage],
  };
}
