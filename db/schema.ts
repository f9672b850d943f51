import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

/** Units (属地管理): divisions (province > city > county > township > village), their petition bureaus and departments. */
export interface UnitsTable {
  code: string;
  name: string;
  level: string;
  parent_code: string | null;
  /** `division`, `bureau` or `department`. */
  kind: Generated<string>;
  /** The body reviewing this unit's answers one level up (Arts 35-36); null: its parent. */
  review_body: string | null;
  /** For readable case numbers (`扶信`). */
  short_name: string | null;
}

/** Every unit a case has passed through; the case is visible in the subtree of each. */
export interface CaseUnitsTable {
  case_id: string;
  unit: string;
}

/** One row per case: the current snapshot, for reads and for the next transition. */
export interface CasesTable {
  id: string;
  unit: string;
  /** The responsible unit the case is assigned to (交办); it sees the case too. */
  assignee_unit: string | null;
  state: string;
  channel: string;
  /** 挂牌督办: listed for supervision until the case closes. */
  listed: Generated<boolean>;
  version: number;
  machine_version: number;
  snapshot: Json<unknown>;
  /** SHA-256 of the last trail entry, as its 32 bytes (the engine sees hex: db/hash-bytes.ts). */
  last_hash: Buffer;
  /** The readable number (`扶信〔2026〕123号`), unique; null for cases recorded before numbering. */
  number: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /**
   * When the case becomes overdue if nothing changes (db/open-case.sql.ts `OverdueFrom`): `-Infinity` as read once
   * a duty is breached, null with none. Written in SQL only: by every transition (writeTransitions), and rebuilt
   * from the deadline rows by migration 0017 and `refreshOverdueFrom`.
   */
  overdue_from: ColumnType<Date | number | null, never, never>;
  /**
   * The units of the case's `case_units` rows, ` 411621 411621206 ` (db/case-scope.sql.ts `caseInUnitScopeByRow`),
   * for list walks. Written in SQL only: by every transition (writeTransitions), and rebuilt from `case_units` by
   * migration 0018 and `refreshScopeUnits` (run it after correcting `case_units` by hand).
   */
  scope_units: ColumnType<string, never, never>;
}

/** The append-only, hash-chained audit trail (PostgreSQL refuses UPDATE and DELETE). */
export interface CaseEventsTable {
  case_id: string;
  seq: number;
  type: string;
  fields: Json<unknown>;
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  at: Timestamp;
  machine_version: number;
  /** SHA-256 of the entry and the case's previous entry's hash, as its 32 bytes (no column holds the previous hash). */
  hash: Buffer;
  /** The state the event led to; null on entries older than migration 0008 (hashed with the entry when set). */
  state_after: ColumnType<string | null, string | null | undefined, never>;
  /** SHA-256 of the stored snapshot the event left; null on entries older than migration 0008. */
  snapshot_hash: ColumnType<Buffer | null, Buffer | null | undefined, never>;
}

/** Deadline rows: the source of truth for every clock; timers in Redis are rebuilt from them. */
export interface DeadlinesTable {
  id: Generated<string>;
  case_id: string;
  clock: string;
  generation: number;
  status: string;
  calendar: string;
  duration: string;
  on_breach: string;
  started_at: Timestamp;
  due_at: Timestamp;
  reminders: Json<string[]>;
  paused_at: Timestamp | null;
  extended_by: string | null;
  /** How many of `reminders` (sorted) have fired. */
  reminders_sent: Generated<number>;
  /** When this deadline's one timer should fire next (a reminder or the breach); null unless pending. */
  next_fire_at: Timestamp | null;
  updated_at: Timestamp;
}

/** A background job that exhausted its retries: shown on the case and in a list, retried by command. */
export interface IncidentsTable {
  id: Generated<string>;
  queue: string;
  job_id: string;
  job_name: string;
  case_id: string | null;
  clock: string | null;
  generation: number | null;
  attempts: number;
  error: string;
  status: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** Commands that were refused: who tried what, in which state, and why. */
export interface RefusedAttemptsTable {
  id: Generated<string>;
  case_id: string | null;
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  event_type: string;
  state: string | null;
  code: string;
  message: string;
  at: Timestamp;
}

/** The first response to a request sent with an `Idempotency-Key`, replayed to its retries. */
export interface IdempotencyKeysTable {
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  key: string;
  request_hash: string;
  status: number;
  response: Json<unknown>;
  created_at: Timestamp;
}

/** A signed checkpoint of every case's chain head (see engine/audit-checkpoint.service.ts); append-only. */
export interface AuditCheckpointsTable {
  id: string;
  created_at: Timestamp;
  cases: number;
  root: string;
  public_key: string;
  signature: string;
  leaves: Json<[string, number, string][]>;
}

/**
 * What the statistics count of one case, derived from its snapshot and its
 * clock runs by each machine adapter's `facts` (`machines/case-facts.ts`) and written with every
 * transition (the same statement). Times are when each fact became true.
 */
export interface CaseFactsTable {
  case_id: string;
  machine_version: number;
  /** The registering unit. */
  unit: string;
  /** The handling body (the latest one), null while a bureau holds the matter. */
  body_unit: string | null;
  registered_at: Timestamp;
  channel: string;
  class: string;
  category: string;
  /** 人次: a group visit's head count, else 1. */
  head_count: number;
  flag_group: boolean;
  flag_skip_level: boolean;
  flag_law_related: boolean;
  flag_major_urgent: boolean;
  flag_repeat: boolean;
  flag_first: boolean;
  /** `timely` or `late` once the intake clocks (dispatch, notice) ended; null while one runs or none ended. */
  acceptance: string | null;
  acceptance_at: Timestamp | null;
  /** `on-time` (answered within the handling clock, extension included) or `overdue`. */
  handling: string | null;
  handling_at: Timestamp | null;
  answered_at: Timestamp | null;
  /** The outcome of the answer that stands (support, explain, not-support, adopted …, mediation-agreement). */
  outcome: string | null;
  delivered_at: Timestamp | null;
  rating_body: string | null;
  rating_bureau: string | null;
  closure: string | null;
  closed_at: Timestamp | null;
  transferred: boolean;
  assigned: boolean;
  supervised: boolean;
  /** The furthest decision stage reached: first, review (复查), reReview (复核). */
  review_stage: string;
}

/** An account: the id is the sign-in name; the password is kept only as a scrypt hash. */
export interface UsersTable {
  id: string;
  display_name: string;
  role: string;
  unit: string;
  password_hash: string;
  disabled: Generated<boolean>;
  /** Consecutive failed sign-ins since the last good one or the last lockout. */
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** A console session; only the SHA-256 of its secret (the cookie) is stored. */
export interface SessionsTable {
  id: string;
  secret_hash: string;
  user_id: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  user_agent: string | null;
  address: string | null;
}

/** A whole-trail verification run in the background (`POST /audit/verify-runs`), its progress and result. */
export interface VerifyRunsTable {
  id: string;
  /** The unit subtree verified; null for every case. */
  scope_unit: string | null;
  mode: string;
  /** queued, running, done or failed. */
  status: string;
  requested_by: string;
  /** Cases in scope when the run started (the progress bar's total). */
  total_cases: number | null;
  cases: Generated<number>;
  checked: Generated<number>;
  ok: boolean | null;
  first_broken: Json<unknown> | null;
  error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: Timestamp | null;
}

/** One person (一人一档); identifiers are indexed only as keyed digests. */
export interface PersonsTable {
  id: string;
  id_hash: Buffer | null;
  id_number: string | null;
  phone: string | null;
  name: string;
  name_key: string;
  address: string;
  address_key: string;
  name_grams: string[];
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The keyed digests of a person's phones (a person may have several, a family may share one). */
export interface PersonPhonesTable {
  phone_hash: Buffer;
  person_id: string;
}

/** Who petitioned in which case. */
export interface CasePersonsTable {
  case_id: string;
  person_id: string;
  role: 'petitioner' | 'representative';
  confirmed_by: string | null;
  confirmed_at: Timestamp | null;
}

/** The bigrams of a case's request summary, with its registering unit, for similar-request proposals. */
export interface CaseSummariesTable {
  case_id: string;
  unit: string;
  grams: string[];
  /** `<unit>|<gram>`: the GIN-indexed form, one posting list per unit and bigram. */
  unit_grams: string[];
}

/** The last number given per registering unit and year. */
export interface CaseNumberCountersTable {
  unit: string;
  year: number;
  last: number;
}

/** Unmasked reads of personal data: who, which case (or person), when and why. Append-only for the application. */
export interface AccessLogTable {
  id: Generated<string>;
  actor_id: string;
  actor_role: string;
  actor_unit: string;
  case_id: string | null;
  person_id: string | null;
  reason: string;
  at: Timestamp;
}

/** A file filed with a case; its digest is in the trail entry `seq`. */
export interface AttachmentsTable {
  id: string;
  case_id: string;
  seq: number;
  kind: string;
  file_name: string;
  media_type: string;
  size: number;
  sha256: string;
  personal: boolean;
  uploaded_by_id: string;
  uploaded_by_role: string;
  uploaded_by_unit: string;
  uploaded_at: Timestamp;
}

/** The bytes of an attachment kept in the database (the default store). */
export interface AttachmentContentsTable {
  attachment_id: string;
  bytes: Uint8Array;
}

/** The Kysely database type of petitionflow. */
export interface Database {
  units: UnitsTable;
  cases: CasesTable;
  case_units: CaseUnitsTable;
  case_events: CaseEventsTable;
  deadlines: DeadlinesTable;
  refused_attempts: RefusedAttemptsTable;
  incidents: IncidentsTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_checkpoints: AuditCheckpointsTable;
  case_facts: CaseFactsTable;
  users: UsersTable;
  sessions: SessionsTable;
  verify_runs: VerifyRunsTable;
  persons: PersonsTable;
  person_phones: PersonPhonesTable;
  case_persons: CasePersonsTable;
  case_summaries: CaseSummariesTable;
  case_number_counters: CaseNumberCountersTable;
  access_log: AccessLogTable;
  attachments: AttachmentsTable;
  attachment_contents: AttachmentContentsTable;
}
