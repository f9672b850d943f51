import type { z } from 'zod';
import type { CaseCommand, MachineAdapter } from '../machines/machine-adapter';
import { ValidationError } from './errors';

/** A command as parsed from a request: the type and its fields (actor, relations and time come from the engine). */
export type ParsedCommand = CaseCommand;

function validationError(message: string, error: z.ZodError): ValidationError {
  return new ValidationError(
    message,
    error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message })),
  );
}

/** An unpaired UTF-16 surrogate: JSON carries it as `\ud800`, which PostgreSQL's jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** The path of the first string (or key) PostgreSQL cannot store in jsonb: a NUL character or a lone surrogate. */
function unstorableTextPath(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  const bad = (text: string) => text.includes('\u0000') || LONE_SURROGATE.test(text);
  if (typeof value === 'string') return bad(value) ? path : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [k, v] of Array.isArray(value) ? value.entries() : Object.entries(value)) {
    if (typeof k === 'string' && bad(k)) return [...path, k];
    const found = unstorableTextPath(v, [...path, k]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Refuses text PostgreSQL cannot store as a 400 (not a 500 whose log would carry the text). */
export function assertStorable(message: string, value: unknown): void {
  const path = unstorableTextPath(value);
  if (path === undefined) return;
  throw new ValidationError(message, [{ path, message: 'text may not contain NUL characters or unpaired surrogates' }]);
}

/** A command body before its case is known: a JSON object with a string `type`; `expectedVersion` dropped. */
export interface CommandEnvelope {
  readonly type: string;
  readonly rest: Record<string, unknown>;
}

/**
 * The envelope of a command body as sent over the API or CLI. Its fields are
 * validated once the case, and so its machine version, is known
 * ({@link parseCommandFor}); `expectedVersion` travels in the options.
 */
export function parseEnvelope(body: unknown): CommandEnvelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the event must be a JSON object', [{ path: [], message: 'expected an object' }]);
  }
  const { expectedVersion: _ignored, ...rest } = body as Record<string, unknown>;
  if (typeof rest.type !== 'string') throw new ValidationError('invalid event', [{ path: ['type'], message: 'an event type' }]);
  return { type: rest.type, rest };
}

/** A command validated with the schema of its case's machine version (400 with field paths otherwise). */
export function parseCommandFor(adapter: MachineAdapter, envelope: CommandEnvelope): ParsedCommand {
  const parsed = adapter.commandSchema.safeParse(envelope.rest);
  if (!parsed.success) throw validationError('invalid event', parsed.error);
  assertStorable('invalid event', parsed.data);
  return parsed.data as ParsedCommand;
}

/**
 * A filing (an event recorded through a route of its own, e.g. an attachment's digest) validated with the
 * schema of its case's version; undefined when that version records no filings.
 */
export function parseFilingFor(adapter: MachineAdapter, envelope: CommandEnvelope): ParsedCommand | undefined {
  if (adapter.filingSchema === null) return undefined;
  const parsed = adapter.filingSchema.safeParse(envelope.rest);
  if (!parsed.success) throw validationError('invalid filing', parsed.error);
  return parsed.data as ParsedCommand;
}

/** A petition body (the intake, Art 19), validated with the schema of the version the case will start under. */
export function parseIntakeFor(adapter: MachineAdapter, body: unknown): Record<string, unknown> & { unit: string; channel: string } {
  const parsed = adapter.intakeSchema.safeParse(body);
  if (!parsed.success) throw validationError('invalid petition', parsed.error);
  assertStorable('invalid petition', parsed.data);
  return parsed.data as Record<string, unknown> & { unit: string; channel: string };
}
