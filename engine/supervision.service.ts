import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { listedCases, supervisionCounts, type UnitSupervisionCounts } from '../db/supervision.repository';
import type { Actor } from '../machines/petition.roles';
import { narrowScope, requireCapability } from './access';
import type { PetitionView } from './case-view';
import type { CaseQueryService } from './case-query.service';
import { decodePageCursor, pageOf } from './page-cursor';

export type { UnitSupervisionCounts };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The listed-supervision board of one subtree. */
export interface SupervisionBoard {
  /** The unit whose subtree the board shows. */
  readonly unit: string;
  /** One line per unit with open cases: active, listed, overdue and at-risk counts. */
  readonly units: UnitSupervisionCounts[];
  /** The escalated or listed open cases, oldest listing first, as the viewer may see them. */
  readonly cases: PetitionView[];
  /** The cursor of the next page of cases; null on the last page. */
  readonly nextCursor: string | null;
}

/** The board of 挂牌督办 (listed supervision) until 挂牌销号 (the case closes). */
export interface SupervisionService {
  /**
   * The board for `actor`, FORBIDDEN without `supervision.board`. A `unit`
   * inside the actor's subtree narrows it; one outside is not widened to, the
   * actor's own subtree is shown instead.
   */
  board(
    actor: Actor,
    q: { readonly unit?: string | undefined; readonly limit: number; readonly cursor?: string | undefined },
  ): Promise<SupervisionBoard>;
}

/** Creates the supervision service; case views come from the read side, so masking applies as everywhere. */
export function createSupervisionService(deps: { db: Kysely<Database>; queries: CaseQueryService; now: () => Date }): SupervisionService {
  return {
    async board(actor, q) {
      requireCapability(actor, 'supervision.board');
      const unit = narrowScope(q.unit, actor);
      const after = q.cursor === undefined ? undefined : decodePageCursor(q.cursor, UUID);
      const [units, rows] = await Promise.all([
        supervisionCounts(deps.db, unit, deps.now()),
        listedCases(deps.db, unit, q.limit + 1, after),
      ]);
      const page = pageOf(rows, q.limit, (r) => ({ at: r.updatedAt, id: r.id }));
      const cases = await deps.queries.getMany(
        page.items.map((r) => r.id),
        actor,
      );
      return { unit, units, cases, nextCursor: page.nextCursor };
    },
  };
}
