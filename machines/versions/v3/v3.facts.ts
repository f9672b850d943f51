import { clocksOutcome, type CaseFacts, type ClockRun } from '../../case-facts';
import type { V3Context } from './v3.context';

/**
 * The facts of a version 3 case. Acceptance is the bureau's dispatch (Art 22)
 * and the body's notice (Art 23) together; handling is the handling clock
 * (Art 34, its one extension included). The outcome is the answer that stands
 * (the last one); `answeredAt` and `deliveredAt` are the first answer's.
 */
export function v3Facts(context: V3Context, runs: readonly ClockRun[]): CaseFacts {
  // repeat and first come from registration (一人一档); cases registered without a person index have neither.
  const flags = context.flags;
  const acceptance = clocksOutcome(runs, ['dispatch', 'notice'], 'timely', 'late');
  const handling = clocksOutcome(runs, ['handling'], 'on-time', 'overdue');
  const rating = typeof context.satisfaction === 'object' ? context.satisfaction : null;
  return {
    caseId: context.id,
    machineVersion: 3,
    unit: context.units.registeredBy,
    bodyUnit: context.units.body,
    registeredAt: context.registeredAt,
    channel: context.intake.channel,
    class: context.class,
    category: context.intake.matter.category,
    headCount: flags.group?.headCount ?? 1,
    flags: {
      group: flags.group !== undefined,
      skipLevel: flags.skipLevel === true,
      lawRelated: flags.lawRelated === true,
      majorUrgent: flags.majorUrgent === true,
      repeat: flags.repeat === true,
      first: flags.first === true,
    },
    acceptance: acceptance.kind,
    acceptanceAt: acceptance.at,
    handling: handling.kind,
    handlingAt: handling.at,
    answeredAt: context.resolutions[0]?.at ?? null,
    outcome: context.resolutions.at(-1)?.outcome ?? null,
    deliveredAt: context.deliveries[0]?.at ?? null,
    ratingBody: rating?.body ?? null,
    ratingBureau: rating?.bureau ?? null,
    closure: context.closure,
    closedAt: context.closedAt,
    transferred: context.moves.some((m) => m.kind === 'transfer'),
    assigned: context.moves.some((m) => m.kind === 'assign'),
    supervised: context.supervision !== null,
    reviewStage: context.reviewStage,
  };
}
