/**
 * The words people read for the version 3 vocabulary, in the terms of the
 * 信访工作条例 and of the bureaus' practice (期限, not 时钟; 督办人员 for the
 * supervisor). The API and the console show these next to the codes.
 */
import type { HumanRole } from '../../petition.vocabulary';
import type { Channel } from '../../petition.schemas';
import type { V3EventType } from './v3.schemas';
import {
  ATTACHMENT_KINDS,
  DECISION_STAGES,
  DELIVERY_METHODS,
  MEDIATION_LEVELS,
  PAUSE_REASONS,
  RATINGS,
  RECEIVERS,
  REFER_TARGETS,
  REJECT_GROUNDS,
  RESOLVE_OUTCOMES,
  ROUTE_PROCEDURES,
  type ItemClass,
  type Relation,
  type SupervisionLevel,
  type V3ClockName,
  type V3Closure,
  type V3State,
} from './v3.vocabulary';

/** States as the bureaus name them. A closed case is named by its closure. */
export const V3_STATE_LABELS: Readonly<Record<V3State, string>> = {
  registered: '已登记',
  transferred: '已转送',
  objected: '异议待核',
  accepted: '已受理',
  mediating: '调解中',
  answered: '已出具意见',
  delivered: '已送达',
  reviewing: '复查中',
  rereviewing: '复核中',
  closed: '已结案',
};

/** How a case ended. */
export const V3_CLOSURE_LABELS: Readonly<Record<V3Closure, string>> = {
  concluded: '已办结',
  final: '已终结',
  routed: '已导入法定程序',
  referred: '已转政法/纪检监察机关',
  rejected: '不予受理',
  merged: '已合并',
  withdrawn: '已撤回',
};

/** The periods (期限) of the regulation and of practice. */
export const V3_CLOCK_LABELS: Readonly<Record<V3ClockName, string>> = {
  dispatch: '转送交办期限',
  notice: '受理告知期限',
  objection: '异议期限',
  handling: '办理期限',
  report: '办结报告期限',
  reviewRequest: '复查申请期限',
  reviewDecision: '复查期限',
  reReviewRequest: '复核申请期限',
  reReviewDecision: '复核期限',
  supervision: '督办期限',
  satisfaction: '评价期限',
};

/** Supervision levels, from mild to severe. */
export const SUPERVISION_LEVEL_LABELS: Readonly<Record<SupervisionLevel, string>> = {
  supervise: '督办',
  list: '挂牌督办',
  interview: '约谈',
  circulate: '通报',
};

/** Item classes (Arts 29-31). */
export const ITEM_CLASS_LABELS: Readonly<Record<ItemClass, string>> = {
  suggestion: '建议意见类',
  accusation: '检举控告类',
  complaint: '申诉求决类',
};

/** An actor's unit's relation to a case. */
export const RELATION_LABELS: Readonly<Record<Relation, string>> = {
  sender: '登记或转送单位',
  body: '承办单位',
  review: '复查（复核）机关',
  above: '上级单位',
};

/** Events as the regulation and the bureaus name the acts (the article of each is in v3.schemas.ts). */
export const V3_EVENT_LABELS: Readonly<Record<V3EventType, string>> = {
  TRANSFER: '转送',
  ASSIGN: '交办',
  REFER: '转政法/纪检监察机关',
  REJECT: '不予受理',
  MERGE: '合并重复件',
  ACCEPT: '受理（受理告知）',
  OBJECT: '提出异议',
  APPROVE_OBJECTION: '核实同意异议',
  DENY_OBJECTION: '不同意异议',
  ROUTE: '导入法定程序',
  REQUEST_INFO: '补充材料',
  PROVIDE_INFO: '材料已补充',
  START_MEDIATION: '启动调解',
  RECORD_MEDIATION_SESSION: '记录调解',
  MEDIATION_AGREED: '达成调解协议',
  MEDIATION_FAILED: '调解不成',
  SCHEDULE_HEARING: '安排听证',
  RECORD_HEARING: '记录听证',
  REQUEST_EXTENSION: '申请延期',
  APPROVE_EXTENSION: '批准延期',
  DENY_EXTENSION: '不批准延期',
  RESOLVE: '出具处理意见',
  DELIVER: '送达',
  RATE_SATISFACTION: '满意度评价',
  REQUEST_REVIEW: '申请复查/复核',
  SUBMIT_REPORT: '报送办结报告',
  ACCEPT_REPORT: '审核通过办结报告',
  RETURN_REPORT: '退回办结报告',
  WITHDRAW: '撤回',
  SUPERVISE: '督办',
  STRIKE_OFF: '销号',
  REASSIGN: '改送其他单位',
  ASSIGN_LEADER: '领导包案',
  LEADER_INSTRUCTION: '领导批示',
  LINK_CONFERENCE: '提交联席会议',
  ATTACH_MATERIAL: '材料入卷',
  PAUSE_CLOCK: '中止期限计算',
  RESUME_CLOCK: '恢复期限计算',
  DEADLINE_REMINDER: '期限提醒',
  DEADLINE_BREACHED: '期限届满',
};

/** The roles of people, as DOMAIN names them: 督办人员 is staff who supervise, not a job title. */
export const ROLE_LABELS: Readonly<Record<HumanRole | 'system', string>> = {
  clerk: '登记人员',
  handler: '承办人',
  mediator: '调解员',
  supervisor: '督办人员',
  leader: '领导干部',
  auditor: '审计核查人员',
  admin: '系统管理员',
  system: '系统',
};

/** The channels of Art 17 (and grid reports). */
export const CHANNEL_LABELS: Readonly<Record<Channel, string>> = {
  letter: '来信',
  visit: '来访',
  phone: '来电',
  fax: '传真',
  online: '网上信访',
  grid: '网格上报',
};

/** Every other coded value a v3 case or command carries, by list (outcomes, routes, grounds, reasons …). */
export const V3_VALUE_LABELS = {
  outcome: {
    support: '支持',
    explain: '解释说明',
    'not-support': '不予支持',
    adopted: '采纳',
    'partly-adopted': '部分采纳',
    'not-adopted': '不予采纳',
  } satisfies Record<(typeof RESOLVE_OUTCOMES)[number], string>,
  procedure: {
    litigation: '诉讼',
    arbitration: '仲裁',
    'party-appeal': '党员申诉',
    administrative: '行政复议等行政程序',
    enforcement: '履职请求',
  } satisfies Record<(typeof ROUTE_PROCEDURES)[number], string>,
  referTo: {
    court: '人民法院',
    procuratorate: '人民检察院',
    police: '公安机关',
    discipline: '纪检监察机关',
    other: '其他机关',
  } satisfies Record<(typeof REFER_TARGETS)[number], string>,
  ground: {
    'in-progress-below': '已在下级受理或办理中',
    final: '已终结',
    'not-a-petition': '不属于信访事项',
    other: '其他',
  } satisfies Record<(typeof REJECT_GROUNDS)[number], string>,
  rating: { satisfied: '满意', 'basically-satisfied': '基本满意', unsatisfied: '不满意' } satisfies Record<
    (typeof RATINGS)[number],
    string
  >,
  method: { 'in-person': '当面送达', post: '邮寄送达', electronic: '电子送达' } satisfies Record<(typeof DELIVERY_METHODS)[number], string>,
  mediationLevel: { village: '村级', township: '乡镇级', county: '县级' } satisfies Record<(typeof MEDIATION_LEVELS)[number], string>,
  receivedBy: { clerk: '工作人员接待', leader: '领导接访' } satisfies Record<(typeof RECEIVERS)[number], string>,
  pauseReason: {
    hearing: '听证',
    'awaiting-materials': '待信访人补充材料',
    appraisal: '鉴定',
    'joint-conference': '联席会议协调',
  } satisfies Record<(typeof PAUSE_REASONS)[number], string>,
  stage: { first: '初次办理', review: '复查', reReview: '复核' } satisfies Record<(typeof DECISION_STAGES)[number], string>,
  attachmentKind: { 'letter-scan': '来信扫描件', evidence: '证据材料', other: '其他' } satisfies Record<
    (typeof ATTACHMENT_KINDS)[number],
    string
  >,
} as const;

/** The label of a case's state: its closure's once it is closed. */
export function v3StateLabel(state: V3State, closure: V3Closure | null): string {
  return state === 'closed' && closure !== null ? V3_CLOSURE_LABELS[closure] : V3_STATE_LABELS[state];
}
