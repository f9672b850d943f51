/**
 * Chinese names for the API's codes (states, events, roles, clocks, fields,
 * values, error codes), in the words petition offices use. Translations only: which
 * states, events and fields exist comes from the API (`/openapi.json` and
 * each case's `allowedEvents`); a code missing here is shown as the code.
 */
import { bilingual } from './dom.js';

export const ROLES = {
  clerk: '登记员',
  handler: '承办人',
  mediator: '调解员',
  supervisor: '督办',
  leader: '包案领导',
  auditor: '督查审计',
  system: '系统',
};

export const STATES = {
  received: '已登记',
  verified: '已受理',
  assigned: '已交办',
  mediated: '调解中',
  resolved: '已办结',
  escalated: '督办中',
  closed: '已终结',
  rejected: '不予受理',
};

export const EVENTS = {
  INTAKE: '登记',
  VERIFY: '受理',
  REJECT: '不予受理',
  REQUEST_INFO: '补充材料',
  PROVIDE_INFO: '材料已补充',
  MERGE: '合并重复件',
  ASSIGN: '交办',
  OBJECT: '异议（非本单位）',
  START_MEDIATION: '启动调解',
  RECORD_MEDIATION_SESSION: '记录调解',
  MEDIATION_AGREED: '调解成功',
  MEDIATION_FAILED: '调解不成',
  RESOLVE: '出具处理意见',
  DELIVER: '送达',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  ESCALATE: '督办',
  REASSIGN: '重新交办',
  RATE_SATISFACTION: '满意度评价',
  REQUEST_REVIEW: '申请复查/复核',
  ASSIGN_LEADER: '领导包案',
  PAUSE_CLOCK: '暂停计时',
  RESUME_CLOCK: '恢复计时',
  LINK_CONFERENCE: '联席会议',
  DEADLINE_REMINDER: '期限提醒',
  DEADLINE_BREACHED: '期限届满',
};

export const CLOCKS = {
  acceptance: '受理期限',
  objection: '异议期',
  handling: '办理期限',
  reviewRequest: '复查申请期',
  reviewDecision: '复查期限',
  reReviewRequest: '复核申请期',
  reReviewDecision: '复核期限',
  supervision: '督办期限',
  satisfaction: '评价期',
};

export const DEADLINE_STATUSES = {
  pending: '计时中',
  paused: '已暂停',
  met: '按期',
  breached: '已超期',
  cancelled: '已取消',
};

export const CHANNELS = {
  letter: '书信',
  visit: '走访',
  phone: '电话',
  fax: '传真',
  online: '网上信访',
  grid: '网格员上报',
};

/** Field names; `EVENT.field` entries win where one name means different things in different events. */
export const FIELDS = {
  channel: '渠道',
  unit: '单位',
  petitioner: '信访人',
  representatives: '代表',
  name: '姓名',
  idNumber: '身份证号',
  phone: '联系电话',
  address: '住址',
  matter: '信访事项',
  category: '类别',
  summary: '诉求摘要',
  details: '事实与理由',
  accusation: '检举控告',
  accusedUnit: '被检举单位',
  note: '备注',
  reason: '理由',
  route: '告知途径',
  intoCaseId: '并入的案件编号',
  handler: '承办人',
  level: '调解层级',
  mediator: '调解员',
  sessions: '调解次数',
  agreement: '调解协议',
  outcome: '处理结果',
  opinion: '处理意见',
  text: '处理意见',
  method: '送达方式',
  proof: '送达凭证',
  duration: '延长期限',
  dueIn: '督办期限',
  bureau: '对信访部门',
  leader: '包案领导',
  clock: '时钟',
  conference: '联席会议',
  departments: '参加部门（每行一个）',
  status: '状态',
  kind: '类型',
  at: '时间',
  by: '经办人',
  'RATE_SATISFACTION.body': '对责任单位',
};

/** Examples shown under inputs whose format is not obvious. */
export const FIELD_HINTS = {
  unit: '行政区划代码，如 411621',
  accusedUnit: '行政区划代码，如 411621',
  duration: 'ISO 8601 时长，如 P30D（30 天）',
  dueIn: 'ISO 8601 时长，如 P15D；可不填',
  intoCaseId: '案件编号（UUID）',
  idNumber: '18 位居民身份证号',
};

/** Enumerated values. */
export const VALUES = {
  litigation: '诉讼途径',
  discipline: '纪检监察',
  other: '其他途径',
  county: '县级',
  township: '乡镇级',
  village: '村级',
  support: '支持',
  explain: '解释说明',
  'not-support': '不予支持',
  'mediation-agreement': '调解协议',
  'in-person': '当面送达',
  post: '邮寄送达',
  electronic: '电子送达',
  satisfied: '满意',
  'basically-satisfied': '基本满意',
  unsatisfied: '不满意',
  unrated: '超期未评价',
  requested: '已申请',
  approved: '已批准',
  breach: '超期自动督办',
  supervision: '督办',
  review: '复查',
  reReview: '复核',
  final: '终结',
  'window-lapsed': '期满终结',
  merged: '已合并',
  open: '未处理',
  retried: '已重试',
  resolved: '已解决',
};

/** The API's error codes in plain words. */
export const ERRORS = {
  VALIDATION: '输入有误',
  UNAUTHORIZED: '未登录或登录已失效',
  FORBIDDEN: '无权执行',
  NOT_FOUND: '未找到（或不在您的管辖范围内）',
  VERSION_CONFLICT: '案件已被他人更新，请刷新后重试',
  EVENT_NOT_ALLOWED: '案件当前状态不允许此操作',
  IDEMPOTENCY_KEY_REUSED: '重复提交的内容不一致',
  UNAVAILABLE: '服务暂不可用',
  INTERNAL: '服务器内部错误',
  PAYLOAD_TOO_LARGE: '内容过长',
  DOCUMENT_NOT_AVAILABLE: '本案尚未形成该文书',
};

/** `labelled(STATES, 'received')` → 已登记 `received`. */
export function labelled(dictionary, code) {
  return bilingual(dictionary[code], code);
}

/** Fields whose values are named by a dictionary of their own. */
const VALUES_BY_FIELD = { channel: CHANNELS, clock: CLOCKS, role: ROLES, state: STATES, type: EVENTS };

/** The dictionary naming the values of a field. */
export function valuesOf(fieldName) {
  return VALUES_BY_FIELD[fieldName] ?? VALUES;
}

/** The label of an input: the event-specific name if there is one, else the field's. */
export function fieldLabel(name, eventType) {
  return FIELDS[`${eventType}.${name}`] ?? FIELDS[name] ?? name;
}

/** The hint under an input, if any. */
export function fieldHint(name, eventType) {
  return FIELD_HINTS[`${eventType}.${name}`] ?? FIELD_HINTS[name];
}
