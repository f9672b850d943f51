/**
 * The petition view: its type is its zod schema's (engine/case-view.schema.ts), and a view built from a
 * case passes that schema, ratings recorded under the old field name included.
 */
import type { CaseRecord } from '../../db/case.repository';
import { toPetitionView } from '../../engine/case-view';
import { petitionViewSchema } from '../../engine/case-view.schema';
import { unitDirectoryOf } from '../../engine/unit-directory';
import { toStored, type PetitionSnapshot } from '../../machines/petition.registry';
import { actor, AT, ev, reach, send, VERSION } from '../support/machine-fixtures';

function recordOf(snapshot: PetitionSnapshot): CaseRecord {
  return {
    id: snapshot.context.id,
    number: '扶信〔2026〕7号',
    unit: snapshot.context.unit,
    assigneeUnit: null,
    state: 'resolved',
    channel: snapshot.context.intake.channel,
    listed: false,
    version: 7,
    machineVersion: VERSION,
    snapshot: toStored(snapshot),
    lastHash: '0'.repeat(64),
    createdAt: new Date(AT),
    updatedAt: new Date(AT),
  };
}

it.each([
  ['rated with today’s command (`body`)', ev('RATE_SATISFACTION', 'clerk', { body: 'unsatisfied', bureau: 'satisfied' })],
  [
    'rated before the rename (`unit`, as old trails recorded it)',
    { type: 'RATE_SATISFACTION', unit: 'unsatisfied', bureau: 'satisfied', actor: actor('clerk'), at: AT } as const,
  ],
])('shows a case %s with the rating of the handling body as `body`, passing the view schema', (_name, rating) => {
  const rated = send(reach('delivered'), rating);
  const view = toPetitionView(recordOf(rated), [], actor('handler'), new Date(AT), { units: unitDirectoryOf([]), live: rated });
  expect('satisfaction' in view && view.satisfaction).toEqual({ body: 'unsatisfied', bureau: 'satisfied' });
  expect(petitionViewSchema.safeParse(view).error?.issues ?? []).toEqual([]);
});
