/**
 * The Chinese words of the files people open in a spreadsheet (the trail and
 * the case list as CSV or XLSX): events, roles and the fields of events, in
 * the terms of the 信访工作条例 and of the bureaus. Times in Beijing time.
 */
import { DateTime } from 'luxon';
import { CHINA_ZONE } from '../working-calendar';

/** Events of every machine version. */
export const EVENT_LABELS: Readonly<Record<string, string>> = {
  INTAKE: '登记',
  VERIFY: '受理',
  TRANSFER: '转送',
  ASSIGN: '交办',
  REFER: '转政法/纪检监察机关',
  REJECT: '不予受理',
  MERGE: '合并重复件',
  ACCEPT: '受理并告知',
  OBJECT: '提出异议',
  APPROVE_OBJECTION: '异议成立',
  DENY_OBJECTION: '异议不成立',
  ROUTE: '导入法定程序',
  REQUEST_INFO: '要求补充材料',
  PROVIDE_INFO: '材料已补充',
  START_MEDIATION: '启动调解',
  RECORD_MEDIATION_SESSION: '记录调解',
  MEDIATION_AGREED: '调解成功',
  MEDIATION_FAILED: '调解不成',
  SCHEDULE_HEARING: '安排听证',
  RECORD_HEARING: '记录听证',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  DENY_EXTENSION: '不予延期',
  RESOLVE: '出具处理意见',
  DELIVER: '送达',
  RATE_SATISFACTION: '满意度评价',
  REQUEST_REVIEW: '请求复查/复核',
  SUBMIT_REPORT: '报送办结报告',
  ACCEPT_REPORT: '办结报告通过',
  RETURN_REPORT: '办结报告退回',
  WITHDRAW: '撤回',
  ESCALATE: '督办',
  SUPERVISE: '督办',
  STRIKE_OFF: '销号',
  REASSIGN: '改派',
  ASSIGN_LEADER: '领导包案',
  LEADER_INSTRUCTION: '领导批示',
  LINK_CONFERENCE: '提交联席会议',
  ATTACH_MATERIAL: '材料入卷',
  PAUSE_CLOCK: '暂停计时',
  RESUME_CLOCK: '恢复计时',
  DEADLINE_REMINDER: '期限提醒',
  DEADLINE_BREACHED: '期限届满',
};

/** Roles. */
export const ROLE_LABELS: Readonly<Record<string, string>> = {
  clerk: '登记人员',
  handler: '承办人',
  mediator: '调解员',
  supervisor: '督办人员',
  leader: '单位负责人',
  auditor: '审计核查人员',
  gridworker: '网格员',
  admin: '系统管理员',
  system: '系统',
};

/** Fields of events and of the intake, by their last path segment. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  channel: '渠道',
  unit: '单位',
  class: '类别',
  name: '姓名',
  idNumber: '身份证号码',
  phone: '联系电话',
  address: '住址',
  category: '事项类别',
  summary: '事项摘要',
  details: '事项详情',
  accusedUnit: '被检举单位',
  headCount: '人数',
  receivedBy: '接待方式',
  registeredAtBureau: '信访部门登记',
  toUnit: '转往单位',
  dueIn: '办理时限',
  note: '备注',
  reason: '理由',
  ground: '不予受理依据',
  to: '转往机关',
  intoCaseId: '并入案件',
  relatedCaseId: '关联案件',
  noticeMethod: '告知方式',
  procedure: '法定程序',
  level: '级别',
  mediator: '调解员',
  agreement: '调解协议',
  at: '时间',
  duration: '期限长度',
  outcome: '处理结果',
  opinion: '处理意见',
  method: '方式',
  proof: '送达凭证',
  body: '对承办单位评价',
  bureau: '对信访部门评价',
  text: '内容',
  leader: '包案领导',
  conference: '联席会议',
  departments: '参加部门',
  clock: '期限',
  generation: '计时轮次',
  reminder: '提醒时间',
  onBreach: '届满处理',
  attachmentId: '附件编号',
  kind: '材料类别',
  size: '大小（字节）',
  mediaType: '文件类型',
  sha256: 'SHA-256摘要',
};

/** An instant as Beijing wall time, to the second: 2026-03-02 09:00:00. */
export function beijingTime(iso: string | Date): string {
  const d = typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso);
  return d.setZone(CHINA_ZONE).toFormat('yyyy-MM-dd HH:mm:ss');
}

/** A field path's header: its segments' words joined (petitioner.name → 信访人姓名), the path where a word is missing. */
export function fieldHeader(path: readonly string[]): string {
  const words: Readonly<Record<string, string>> = { petitioner: '信访人', matter: '', flags: '', group: '集体访', representatives: '代表' };
  const parts = path.map((seg, i) => (i < path.length - 1 ? (words[seg] ?? FIELD_LABELS[seg] ?? seg) : (FIELD_LABELS[seg] ?? seg)));
  return parts.join('');
}

/** An instant as Beijing time with its offset, one word (for columns split on spaces): 2026-03-02T09:00:00+08:00. */
export function beijingIso(iso: string | Date): string {
  const d = typeof iso === 'string' ? DateTime.fromISO(iso) : DateTime.fromJSDate(iso);
  return d.setZone(CHINA_ZONE).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}
