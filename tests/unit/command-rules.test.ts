/**
 * The policy's rules of a command, as the engine applies them before a
 * transition: pause reasons per clock (`pausableFor`), the longest extension
 * (Art 34) and the longest length a command may give a clock.
 */
import { DEFAULT_POLICY } from '../../config/default-policy';
import { mergePolicy } from '../../config/load-config';
import { extensionRefusal, lengthRefusal, pauseRefusal } from '../../engine/command-rules';
import { ValidationError } from '../../engine/errors';
import { CLOCK_NAMES, PAUSE_REASONS, type ClockName, type PauseReason } from '../../machines/petition.vocabulary';

/** The default pause table: only these pairs are allowed (Art 36 ¶2 for hearings; materials for dispatch and notice). */
const ALLOWED: ReadonlySet<string> = new Set(['reReviewDecision hearing', 'dispatch awaiting-materials', 'notice awaiting-materials']);

describe('pauseRefusal', () => {
  const rows = CLOCK_NAMES.flatMap((clock) => PAUSE_REASONS.map((reason): [ClockName, PauseReason, boolean] => [clock, reason, ALLOWED.has(`${clock} ${reason}`)]));

  it.each(rows)('%s for %s: allowed %s', (clock, reason, allowed) => {
    const refusal = pauseRefusal(DEFAULT_POLICY, clock, reason);
    if (allowed) {
      expect(refusal).toBeUndefined();
    } else {
      expect(refusal).toBeInstanceOf(ValidationError);
      expect(refusal?.code).toBe('VALIDATION');
      expect(refusal?.details).toEqual({ issues: [{ path: ['reason'], message: expect.stringContaining(`"${reason}": the ${clock} clock`) }] });
    }
  });

  it('refuses a reason outside the vocabulary and a pause without a reason, naming what the clock allows', () => {
    const free = pauseRefusal(DEFAULT_POLICY, 'reReviewDecision', 'lunch');
    expect(free?.details).toEqual({ issues: [{ path: ['reason'], message: '"lunch": the reReviewDecision clock pauses only for hearing' }] });
    const none = pauseRefusal(DEFAULT_POLICY, 'handling', undefined);
    expect(none?.details).toEqual({ issues: [{ path: ['reason'], message: 'a pause without a reason: the handling clock is never paused' }] });
  });

  it('follows a policy that lists other reasons for a clock', () => {
    const policy = mergePolicy({ handling: { ...DEFAULT_POLICY.clocks.handling, pausableFor: ['hearing'] }, reReviewDecision: { ...DEFAULT_POLICY.clocks.reReviewDecision, pausableFor: [] } });
    expect(pauseRefusal(policy, 'handling', 'hearing')).toBeUndefined();
    expect(pauseRefusal(policy, 'reReviewDecision', 'hearing')).toBeInstanceOf(ValidationError);
  });
});

describe('extensionRefusal (Art 34: at most 30 days)', () => {
  it('accepts 30 days and less', () => {
    expect(extensionRefusal(DEFAULT_POLICY, 'P30D')).toBeUndefined();
    expect(extensionRefusal(DEFAULT_POLICY, 'P10D')).toBeUndefined();
  });

  it('refuses 31 days, naming the field and the limit', () => {
    const refusal = extensionRefusal(DEFAULT_POLICY, 'P31D');
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal?.details).toEqual({ issues: [{ path: ['duration'], message: 'at most P30D (Art 34)' }] });
  });
});

describe('lengthRefusal', () => {
  it('bounds the report deadline a bureau sets at ASSIGN by the policy (P90D by default)', () => {
    expect(lengthRefusal(DEFAULT_POLICY, 'report', 'P90D', 'reportDueIn')).toBeUndefined();
    expect(lengthRefusal(DEFAULT_POLICY, 'report', 'P91D', 'reportDueIn')?.details).toEqual({ issues: [{ path: ['reportDueIn'], message: 'at most P90D' }] });
  });

  it('bounds a clock without maxDuration at ten years', () => {
    expect(lengthRefusal(DEFAULT_POLICY, 'supervision', 'P9Y', 'dueIn')).toBeUndefined();
    expect(lengthRefusal(DEFAULT_POLICY, 'supervision', 'P11Y', 'dueIn')).toBeInstanceOf(ValidationError);
  });
});
