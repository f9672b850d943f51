/**
 * A list of cases as a table for people (GET /petitions?format=csv|xlsx):
 * the views the reader gets (scoped and masked), one row per case, names not
 * codes, Beijing time, and the most urgent live deadline in a clerk's terms.
 */
import { V3_CLOCK_LABELS, v3StateLabel } from '../../machines/versions/v3/v3.labels';
import type { V3State } from '../../machines/versions/v3/v3.vocabulary';
import type { DeadlineView, PetitionView } from '../case-view';
import { CHANNEL_LABELS, CLASS_LABELS } from '../statistics/stats-labels';
import { beijingTime } from './export-labels';
import type { Sheet } from './sheet';

/** States of machine versions 1 and 2. */
const LEGACY_STATE_LABELS: Readonly<Record<string, string>> = {
  received: '已登记',
  verified: '已受理',
  assigned: '已交办',
  mediated: '调解中',
  resolved: '已出具意见',
  escalated: '已督办',
  closed: '已办结',
  rejected: '不予受理',
};

const CLOCK_LABELS: Readonly<Record<string, string>> = { ...V3_CLOCK_LABELS, acceptance: '受理期限' };
const LEVEL_LABELS: Readonly<Record<string, string>> = { red: '红（紧急）', yellow: '黄（临期）', green: '绿' };
const RANK: Readonly<Record<string, number>> = { red: 0, yellow: 1, green: 2 };

function stateLabel(v: PetitionView): string {
  if (v.machineVersion === 3) return v3StateLabel(v.state as V3State, v.closure);
  return LEGACY_STATE_LABELS[v.state] ?? v.state;
}

/** The most urgent deadline with words (a lapsed window or a met deadline has no level and is left out). */
function mostUrgent(v: PetitionView): DeadlineView | undefined {
  return v.deadlines
    .filter((d) => d.level !== null)
    .sort((a, b) => (RANK[a.level ?? ''] ?? 3) - (RANK[b.level ?? ''] ?? 3) || a.dueAt.localeCompare(b.dueAt))[0];
}

function remainingText(d: DeadlineView): string {
  if (d.remainingDays === null) return '';
  const unit = d.remainingBasis === 'working-days' ? '个工作日' : '天';
  return d.remainingDays < 0 ? `已超期${-d.remainingDays}${unit}` : `剩余${d.remainingDays}${unit}`;
}

/** The cases as a sheet (CSV or XLSX) in Chinese. */
export function caseListSheet(views: readonly PetitionView[], nameOf: (unit: string) => string | undefined): Sheet {
  const header = [
    '案件编号',
    '登记时间（北京时间）',
    '渠道',
    '类别',
    '事项类别',
    '事项摘要',
    '信访人',
    '登记单位',
    '承办单位',
    '状态',
    '最紧急期限',
    '届满日',
    '剩余',
    '紧急程度',
  ];
  const rows = views.map((v) => {
    const d = mostUrgent(v);
    const body = v.assignee?.unit ?? null;
    return [
      v.number ?? v.id,
      beijingTime(v.createdAt),
      CHANNEL_LABELS[v.channel] ?? v.channel,
      'class' in v ? (CLASS_LABELS[v.class] ?? v.class) : '',
      v.matter.category,
      v.matter.summary,
      v.petitioner.name,
      nameOf(v.unit) ?? v.unit,
      body === null ? '' : (nameOf(body) ?? body),
      stateLabel(v),
      d === undefined ? '' : (CLOCK_LABELS[d.clock] ?? d.clock),
      d?.lastDay ?? '',
      d === undefined ? '' : remainingText(d),
      d === undefined ? '' : (LEVEL_LABELS[d.level ?? ''] ?? ''),
    ];
  });
  return { name: '案件列表', header, rows };
}
