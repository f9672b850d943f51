/** The Chinese words of the statistics, as bureaus print them (CSV and XLSX headers, PDF reports). */
import type { FlagName, RateName } from './figures';

export const RATE_LABELS: Readonly<Record<RateName, string>> = {
  timelyAcceptance: '及时受理率',
  onTimeHandling: '按期办结率',
  participation: '参评率',
  satisfaction: '满意率',
  resolution: '化解率',
  repeat: '重访率',
};

export const FLAG_LABELS: Readonly<Record<FlagName, string>> = {
  group: '集体访',
  skipLevel: '越级访',
  majorUrgent: '重大紧急',
  lawRelated: '涉法涉诉',
  repeat: '重复信访',
  first: '初信初访',
};

export const CHANNEL_LABELS: Readonly<Record<string, string>> = {
  letter: '来信',
  visit: '来访',
  phone: '来电',
  fax: '传真',
  online: '网上',
  grid: '网格',
};

export const CLASS_LABELS: Readonly<Record<string, string>> = {
  suggestion: '建议意见类',
  accusation: '检举控告类',
  complaint: '申诉求决类',
};

export const CLOSURE_LABELS: Readonly<Record<string, string>> = {
  concluded: '办结',
  final: '终结',
  routed: '导入程序',
  referred: '已转政法/纪检',
  rejected: '不予受理',
  merged: '已合并',
  withdrawn: '已撤回',
  open: '在办',
};

/** "99.2%", or "—" when nothing was counted. */
export function pctText(pct: number | null): string {
  return pct === null ? '—' : `${pct.toFixed(1)}%`;
}
