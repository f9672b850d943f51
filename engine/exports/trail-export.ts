/**
 * A case's trail as a table for people: one row per entry, Beijing time,
 * events and roles in Chinese, and one column per field the entries carry
 * (nested fields by their path, lists joined), never a JSON blob. The hashes
 * stay in the last two columns; the machine CSV (canonical JSON fields) is
 * the auditors' way to re-compute them.
 */
import type { HistoryEvent } from '../case-query.service';
import { beijingTime, EVENT_LABELS, fieldHeader, ROLE_LABELS } from './export-labels';
import type { Sheet } from './sheet';

type Cell = string | number | null;

/** A plain value as a cell: numbers and text as they are, yes/no in Chinese. */
function cellOf(value: unknown): Cell {
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? '是' : '否';
  return JSON.stringify(value) ?? '';
}

/** A value's leaves by path: objects descend, lists of plain values join with 、, lists of objects descend by index. */
function leaves(value: unknown, path: string[], out: Map<string, { path: string[]; value: Cell }>): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v !== 'object' || v === null)) out.set(path.join('.'), { path, value: value.join('、') });
    else value.forEach((v, i) => leaves(v, [...path, String(i + 1)], out));
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) leaves(v, [...path, k], out);
    return;
  }
  out.set(path.join('.'), { path, value: cellOf(value) });
}

/** The trail as a sheet (CSV or XLSX) in Chinese. */
export function trailSheet(events: readonly HistoryEvent[]): Sheet {
  const perEntry = events.map((e) => {
    const out = new Map<string, { path: string[]; value: Cell }>();
    leaves(e.fields, [], out);
    return out;
  });
  // Columns in the order fields first appear along the trail.
  const columns = new Map<string, string[]>();
  for (const entry of perEntry) for (const [key, { path }] of entry) if (!columns.has(key)) columns.set(key, path);
  const header = [
    '序号',
    '时间（北京时间）',
    '事件',
    '操作人',
    '角色',
    '单位',
    '规则版本',
    ...[...columns.values()].map(fieldHeader),
    '前一哈希',
    '哈希',
  ];
  const rows = events.map((e, i) => [
    e.seq,
    beijingTime(e.at),
    EVENT_LABELS[e.type] ?? e.type,
    e.actor.id,
    ROLE_LABELS[e.actor.role] ?? e.actor.role,
    e.actor.unit,
    e.machineVersion,
    ...[...columns.keys()].map((key) => perEntry[i]?.get(key)?.value ?? null),
    e.prevHash,
    e.hash,
  ]);
  return { name: '审计轨迹', header, rows };
}
