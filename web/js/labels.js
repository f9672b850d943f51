/* global fetch, console */
/**
 * Chinese names for the API's codes (states, events, roles, clocks, fields,
 * values, error codes), in the words petition offices use. Translations only: which
 * states, events and fields exist comes from the API (`/openapi.json` and
 * each case's `allowedEvents`); a code missing here is shown as the code.
 *
 * The words of the current lifecycle (version 3: states, closures, events,
 * periods, roles, channels, classes, values) have one home on the server,
 * `machines/versions/v3/v3.labels.ts`, served at `GET /vocabulary` and merged
 * in here by {@link loadVocabulary} before the first page is drawn. What stays
 * below are the words of the legacy lifecycles (versions 1 and 2) and the
 * console's own (field names, deadline statuses, error codes).
 */
import { apiUrl } from './api-client.js';
import { bilingual } from './dom.js';

/** Roles, from the vocabulary (督办人员, 登记人员 …). */
export const ROLES = {};

/** Channels (Art 17), from the vocabulary (来信, 来访 …). */
export const CHANNELS = {};

/** How a closed version 3 case ended (已办结, 已终结 …), from the vocabulary. */
export const CLOSURES = {};

/** Item classes (Arts 29-31), supervision levels and relations, from the vocabulary. */
export const ITEM_CLASSES = {};
export const SUPERVISION_LEVELS = {};
export const RELATIONS = {};

/** Why a sign-in was refused (`details.reason` of the API's 401), and the rate limit's 429. */
export const SIGN_IN_REFUSALS = {
  credentials: '用户名或密码错误。',
  disabled: '该账号已停用，请联系系统管理员。',
  locked: '密码连续输错次数过多，账号已暂时锁定。',
  rateLimited: '登录尝试过于频繁，请稍后再试。',
};

/** An account's state on the user administration page. */
export const ACCOUNT_STATES = {
  enabled: '正常',
  disabled: '已停用',
  locked: '已锁定',
};

/** States of every version: versions 1 and 2 here, version 3's from the vocabulary. */
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

/** Periods (期限, never 时钟): version 1 and 2's acceptance here, the rest from the vocabulary. */
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
  clock: '期限',
  class: '信访事项类别',
  flags: '标记',
  group: '集体访',
  headCount: '人数',
  skipLevel: '越级访',
  lawRelated: '涉法涉诉',
  majorUrgent: '重大紧急',
  receivedBy: '接待',
  toUnit: '送往单位',
  noticeMethod: '受理告知方式',
  to: '转往机关',
  ground: '不予受理的理由',
  relatedCaseId: '相关案件编号',
  procedure: '法定程序',
  hearingAt: '听证时间',
  'RECORD_HEARING.summary': '听证情况',
  'SUBMIT_REPORT.text': '办结报告',
  'LEADER_INSTRUCTION.text': '批示内容',
  'ASSIGN.dueIn': '办结报告期限',
  'SUPERVISE.level': '督办级别',
  'SUPERVISE.dueIn': '督办期限',
  conference: '联席会议',
  departments: '参加部门（每行一个）',
  status: '状态',
  kind: '类型',
  at: '时间',
  by: '经办人',
  'RATE_SATISFACTION.body': '对责任单位',
  source: '来源',
  breaches: '超期的期限',
  struckOff: '销号',
  review: '复查（复核）机关',
  assignment: '交办',
  report: '办结报告',
  moves: '转送记录',
  objections: '异议',
  infoRequests: '补充材料',
  answer: '补充情况',
  hearings: '听证',
  instructions: '领导批示',
  pauses: '期限中止',
  routing: '导入法定程序',
  referral: '转政法/纪检监察',
  withdrawal: '撤回',
  deliveries: '送达',
  resolutions: '历次处理意见',
  stage: '阶段',
};

/** Examples shown under inputs whose format is not obvious. */
export const FIELD_HINTS = {
  unit: '行政区划代码，如 411621',
  accusedUnit: '行政区划代码，如 411621',
  toUnit: '单位代码，如 411621-11（县教体局）或 411621206（乡镇）',
  hearingAt: '日期和时间，如 2026-12-01T09:00:00+08:00',
  'ASSIGN.dueIn': 'ISO 8601 时长，如 P60D（60 天）',
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
  supervisor: '督办人员设定',
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
const VALUES_BY_FIELD = {
  channel: CHANNELS,
  clock: CLOCKS,
  role: ROLES,
  state: STATES,
  type: EVENTS,
  closure: CLOSURES,
  class: ITEM_CLASSES,
  relations: RELATIONS,
};

let vocabulary;

/**
 * Fetches `GET /vocabulary` (no token needed) once and merges its words into
 * the dictionaries above. Version 3's words win over the legacy ones of the
 * same code (e.g. 中止期限计算 for PAUSE_CLOCK). A failure leaves codes shown
 * as codes, and is tried again on the next call.
 */
export function loadVocabulary() {
  vocabulary ??= fetch(apiUrl('vocabulary'), { headers: { accept: 'application/json' } })
    .then((response) => (response.ok ? response.json() : Promise.reject(new Error(`GET /vocabulary: ${response.status}`))))
    .then((words) => {
      Object.assign(STATES, words.states);
      Object.assign(CLOSURES, words.closures);
      Object.assign(EVENTS, words.events);
      Object.assign(CLOCKS, words.clocks);
      Object.assign(ROLES, words.roles);
      Object.assign(CHANNELS, words.channels);
      Object.assign(ITEM_CLASSES, words.itemClasses);
      Object.assign(SUPERVISION_LEVELS, words.supervisionLevels);
      Object.assign(RELATIONS, words.relations);
      // Values are looked up by code alone (see valuesOf): the lists' codes do not collide with each other.
      for (const list of Object.values(words.values)) Object.assign(VALUES, list);
      Object.assign(VALUES, words.supervisionLevels, words.itemClasses);
    })
    .catch((err) => {
      vocabulary = undefined;
      console.warn(err);
    });
  return vocabulary;
}

/** The label of a case's state: a closed version 3 case is named by how it ended (已办结, 已终结 …). */
export function stateLabel(petition) {
  const closure = petition.closure ?? null;
  return closure !== null && CLOSURES[closure] !== undefined
    ? bilingual(CLOSURES[closure], `${petition.state}/${closure}`)
    : labelled(STATES, petition.state);
}

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
