import type { ClockName, ClosureKind } from './petition.vocabulary';
import type { Clocks } from './petition.clocks';
import type { Actor } from './petition.roles';
import type { Command, Intake, RecordedRateSatisfaction, SystemCommand } from './petition.schemas';

// The shapes every version of the petition machine shares: its context, its events and its input.
// The machines themselves are in versions/, built from lifecycle.blocks.ts.

/** The opinion a case was resolved with (Art 32), or the mediation agreement (Art 33). */
export interface Resolution {
  readonly outcome: 'support' | 'explain' | 'not-support' | 'mediation-agreement';
  readonly text: string;
  readonly at: string;
  readonly by: string;
}

/** Why a case sits with a supervisor or a higher level. */
export interface Escalation {
  readonly kind: 'breach' | 'supervision' | 'review' | 'reReview';
  readonly reason: string;
  readonly clock?: ClockName;
  readonly at: string;
}

/** Everything the machine knows of a case. Dates are ISO strings taken from events, never from a clock. */
export interface PetitionContext {
  readonly id: string;
  readonly unit: string;
  readonly intake: Intake;
  readonly receivedAt: string;
  readonly clocks: Clocks;
  readonly assignee: { readonly unit: string; readonly handler: string | null } | null;
  readonly leader: string | null;
  readonly mediation: { readonly level: string; readonly mediator: string | null; readonly sessions: number } | null;
  readonly infoRequested: boolean;
  readonly extension: { readonly status: 'requested' | 'approved'; readonly duration: string; readonly reason: string } | null;
  readonly escalation: Escalation | null;
  /** 挂牌督办: listed for supervision until the case closes (挂牌销号). */
  readonly listed: boolean;
  /** 0: first opinion; 1: review (复查) decided; 2: re-review (复核) decided, final (Art 35). */
  readonly reviewStage: 0 | 1 | 2;
  /** A review asked for and not yet decided. */
  readonly reviewPending: 'review' | 'reReview' | null;
  readonly resolution: Resolution | null;
  readonly delivery: { readonly method: string; readonly at: string } | null;
  /** As recorded: `body` for the handling body, or `unit` in cases rated before that name (replays keep it). */
  readonly satisfaction: { readonly body: string; readonly bureau: string } | { readonly unit: string; readonly bureau: string } | 'unrated' | null;
  readonly rejection: { readonly reason: string; readonly route: string } | null;
  readonly mergedInto: string | null;
  readonly closure: ClosureKind | null;
  /** 联席会议 (Art 24, machine v2): the joint conference the case is linked to. */
  readonly conference?: { readonly name: string; readonly departments: readonly string[]; readonly at: string } | null;
}

/** What every event carries besides its fields: who sent it and when (time comes in events, never from the machine). */
export interface EventEnvelope {
  readonly actor: Actor;
  readonly at: string;
}
export type PetitionEvent = (Command | SystemCommand | RecordedRateSatisfaction) & EventEnvelope;

/** The intake, which creates the case (Art 19). */
export interface PetitionInput {
  readonly id: string;
  readonly intake: Intake;
  readonly at: string;
}
