import { z } from 'zod';
import { divisionCodeSchema } from '../../machines/petition.roles';
import { petitionViewResponse } from './petition.schema';
import { nextCursorSchema } from './common.schema';

/** `GET /audit/verify`: every hash chain in scope walked (审计核验). */
export const verificationSchema = z
  .object({
    ok: z.boolean(),
    checked: z.number().int().min(0).describe('trail entries checked'),
    cases: z.number().int().min(0).describe('cases whose trails were checked'),
    firstBroken: z
      .object({ caseId: z.uuid(), seq: z.number().int().positive(), reason: z.string() })
      .optional()
      .describe('the first entry that does not fit its chain'),
  })
  .meta({ id: 'AuditVerification', description: '审计核验: the outcome of walking every hash chain in scope' });

/** A background verification run (`POST /audit/verify-runs`, or `GET /audit/verify` over a large scope). */
export const verifyRunSchema = z
  .object({
    id: z.uuid(),
    status: z
      .enum(['running', 'done', 'failed', 'interrupted'])
      .describe('`interrupted`: the process running it stopped before it finished; start another'),
    mode: z.enum(['fast', 'replay']),
    unit: divisionCodeSchema.nullable().describe('the unit subtree verified'),
    progress: z
      .object({
        cases: z.number().int().min(0).describe('cases verified so far'),
        totalCases: z.number().int().min(0).describe('cases in scope'),
        checked: z.number().int().min(0).describe('trail entries checked so far'),
      })
      .describe('where the run stands'),
    result: verificationSchema.optional().describe('set once the run is done: what `GET /audit/verify` answers'),
    error: z.string().optional().describe('why the run failed; names rules and systems, never people'),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
  })
  .meta({ id: 'AuditVerifyRun', description: '后台审计核验: a verification running in the background, polled for its result' });

/** `GET /healthz`. */
export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** `GET /readyz`, with the check of each backing service. */
export const readinessSchema = z
  .object({ status: z.enum(['ready', 'not ready']), checks: z.record(z.string(), z.boolean()) })
  .meta({ id: 'Readiness', examples: [{ status: 'ready', checks: { database: true, redis: true } }] });

/** One unit's line on the listed-supervision board. */
export const unitSupervisionCountsSchema = z
  .object({
    unit: divisionCodeSchema,
    active: z.number().int().min(0).describe('cases still open'),
    listed: z.number().int().min(0).describe('escalated or listed (挂牌) and not yet closed (销号)'),
    overdue: z.number().int().min(0).describe('with a breached deadline, or a pending one past due'),
    atRisk: z.number().int().min(0).describe('not overdue, but a reminder has fired'),
  })
  .meta({ id: 'UnitSupervisionCounts' });

/** `GET /supervision`: the board of 挂牌督办 (listed supervision), one page of its cases at a time. */
export const supervisionBoardSchema = z
  .object({
    unit: divisionCodeSchema.describe('the unit whose subtree the board shows'),
    units: z.array(unitSupervisionCountsSchema).describe('one line per unit with open cases (not paged)'),
    cases: z.array(petitionViewResponse).describe('escalated or listed open cases, oldest change first: one page'),
    nextCursor: nextCursorSchema,
  })
  .meta({ id: 'SupervisionBoard', description: '督办看板: counts per unit and the cases on the board' });

/** A background job that exhausted its retries (故障任务). */
export const incidentSchema = z
  .object({
    id: z.string().regex(/^\d{1,18}$/),
    queue: z.string(),
    jobId: z.string(),
    jobName: z.string(),
    caseId: z.uuid().nullable(),
    clock: z.string().nullable(),
    generation: z.number().int().nullable(),
    attempts: z.number().int().min(0),
    error: z.string().describe('the last error; names rules and systems, never people'),
    status: z.enum(['open', 'retried', 'resolved']),
    createdAt: z.date(),
    updatedAt: z.date(),
  })
  .meta({ id: 'Incident', description: '故障任务: a background job that failed for good' });

/** A page of incidents. */
export const incidentPageSchema = z
  .object({ items: z.array(incidentSchema), nextCursor: nextCursorSchema })
  .meta({ id: 'IncidentPage', description: 'a page of incidents, newest first' });
