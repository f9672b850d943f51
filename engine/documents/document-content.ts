/**
 * What each written act says, built from the case as the reader may see it
 * (the petition view: identifiers already masked for the reader's role) and
 * the unit tree. Pure: the renderers (HTML, PDF) lay the same content out.
 * A kind whose act the case has not recorded has no content (null).
 */
import type { z } from 'zod';
import type { v3PetitionViewSchema } from '../case-view.schema';
import { chineseDate, chineseDay, chineseDuration } from './chinese-dates';
import { DOCUMENT_TITLES, type DocumentKind } from './document.vocabulary';

/** A version 3 case view. */
export type V3View = z.output<typeof v3PetitionViewSchema>;

/** One labelled line of a document (信访人、信访事项 …). */
export interface DocumentField {
  readonly label: string;
  readonly value: string;
}

/** A written act, ready to lay out. */
export interface DocumentContent {
  readonly kind: DocumentKind;
  readonly title: string;
  /** The issuing unit's name (发文机关). */
  readonly issuer: string;
  /** The case number (扶信〔2026〕N号), or the case id until the case has one. */
  readonly number: string;
  /** The act's date, Beijing time: 2026年11月30日. */
  readonly date: string;
  /** Whom the act is addressed to (the petitioner, or the receiving body of a 转送/交办单). */
  readonly addressee: string;
  readonly fields: readonly DocumentField[];
  readonly paragraphs: readonly string[];
  /** The petitioner's rights after the act (复查 / 复核 within 30 days, or final), if any. */
  readonly rights: string | null;
}

/** What the content needs of the unit tree and the policy. */
export interface DocumentContext {
  nameOf(unit: string): string | undefined;
  /** The next-higher body that reviews a unit's decisions (Arts 35-36). */
  reviewBodyOf(unit: string): string | null;
  /** The review-request windows of the policy (ISO 8601, e.g. P30D). */
  readonly reviewWindow: string;
  readonly reReviewWindow: string;
}

type Act = V3View['resolutions'][number];
const text = (act: Act, field: string): string => {
  const v = act[field];
  return typeof v === 'string' ? v : '';
};

/** Art 32 and Art 29: how an answer decides, in the words of the opinion. */
export const OUTCOME_WORDS: Readonly<Record<string, string>> = {
  support: '请求事实清楚，符合法律、法规、规章或者其他有关规定，予以支持',
  explain: '请求事由合理但缺乏法律依据，作出解释说明',
  'not-support': '请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，不予支持',
  adopted: '建议意见予以采纳',
  'partly-adopted': '建议意见部分采纳',
  'not-adopted': '建议意见暂不采纳',
  'mediation-agreement': '经调解，双方达成协议',
};

/** The grounds of 不予受理. */
const REJECT_GROUNDS: Readonly<Record<string, string>> = {
  'in-progress-below': '该信访事项已经受理或者正在办理（《信访工作条例》第十九条）',
  final: '该信访事项已经复核终结，以同一事实和理由提出的不再受理（《信访工作条例》第三十六条）',
  'not-a-petition': '所提事项不属于信访事项',
  other: '其他依法不予受理的情形',
};

/** The lines every act to the petitioner shows: who, and about what (as masked for the reader). */
function petitionerFields(v: V3View): DocumentField[] {
  const p = v.petitioner;
  return [
    { label: '信访人', value: p.name },
    ...(p.idNumber === undefined ? [] : [{ label: '身份证号码', value: p.idNumber }]),
    ...(p.phone === undefined ? [] : [{ label: '联系电话', value: p.phone }]),
    { label: '住址', value: p.address },
    { label: '信访事项', value: v.matter.summary },
    { label: '登记日期', value: chineseDate(v.createdAt) },
  ];
}

const lastDayOf = (v: V3View, clock: string): string | null => {
  const rows = v.deadlines.filter((d) => d.clock === clock && d.status !== 'cancelled').sort((a, b) => b.generation - a.generation);
  return rows[0] === undefined ? null : chineseDay(rows[0].lastDay);
};

/** The rights sentence after an opinion at a stage (Arts 35, 36). */
function rightsAfter(stage: string, unit: string, ctx: DocumentContext): string {
  if (stage === 'reReview')
    return '本复核意见为终结意见。信访人以同一事实和理由提出投诉请求的，各级机关、单位不再受理（《信访工作条例》第三十六条）。';
  const up = ctx.reviewBodyOf(unit);
  const upName = (up === null ? undefined : ctx.nameOf(up)) ?? '上一级机关、单位';
  const [window, act, article] = stage === 'review' ? [ctx.reReviewWindow, '复核', '第三十六条'] : [ctx.reviewWindow, '复查', '第三十五条'];
  return `信访人对本意见不服的，可以自收到本意见书之日起${chineseDuration(window)}内请求${upName}${act}（《信访工作条例》${article}）。`;
}

type Draft = Omit<DocumentContent, 'kind' | 'number' | 'title' | 'issuer' | 'date'> & {
  readonly unit: string;
  readonly at: string;
  readonly title?: string;
};

/** An act addressed to the petitioner: the petitioner's lines, the given paragraphs, and any rights sentence. */
function toPetitioner(v: V3View, unit: string, at: string, paragraphs: string[], rights: string | null = null): Draft {
  return { unit, at, addressee: v.petitioner.name, fields: petitionerFields(v), paragraphs, rights };
}

function opinion(v: V3View, stage: string, ctx: DocumentContext): Draft | null {
  const r = [...v.resolutions].reverse().find((x) => x.stage === stage && x.outcome !== 'mediation-agreement');
  if (r === undefined) return null;
  const which = stage === 'first' ? '信访事项' : stage === 'review' ? '复查请求' : '复核请求';
  return toPetitioner(
    v,
    r.unit,
    r.at,
    [
      `你（们）提出的关于“${v.matter.summary}”的${which}，本机关依照《信访工作条例》进行了调查核实，现提出处理意见如下：`,
      `${OUTCOME_WORDS[text(r, 'outcome')] ?? text(r, 'outcome')}。`,
      text(r, 'opinion'),
    ],
    rightsAfter(stage, r.unit, ctx),
  );
}

const DRAFTS: Readonly<Record<DocumentKind, (v: V3View, ctx: DocumentContext) => Draft | null>> = {
  'acceptance-notice': (v) => {
    if (v.notice === null) return null;
    const due = lastDayOf(v, 'handling');
    return toPetitioner(v, v.notice.unit, v.notice.at, [
      `你（们）提出的关于“${v.matter.summary}”的信访事项，本机关已于${chineseDate(v.notice.at)}依法受理。`,
      due === null
        ? '本机关将依照《信访工作条例》的规定办理，并书面答复你（们）。'
        : `本机关将依照《信访工作条例》的规定办理，于${due}前出具书面处理意见。`,
    ]);
  },
  'rejection-notice': (v) => {
    const r = v.rejection;
    if (r === null) return null;
    return toPetitioner(v, r.unit, r.at, [
      `你（们）提出的关于“${v.matter.summary}”的信访事项，经审查，${REJECT_GROUNDS[text(r, 'ground')] ?? text(r, 'ground')}，本机关决定不予受理。`,
      text(r, 'reason'),
    ]);
  },
  'transfer-slip': (v, ctx) => {
    const m = [...v.moves].reverse().find((x) => x.kind === 'transfer' || x.kind === 'assign');
    if (m === undefined) return null;
    const to = text(m, 'toUnit');
    const assign = m.kind === 'assign';
    const due = assign ? lastDayOf(v, 'report') : null;
    return {
      unit: m.unit,
      at: m.at,
      title: assign ? '交办单' : '转送单',
      addressee: ctx.nameOf(to) ?? to,
      fields: petitionerFields(v),
      paragraphs: [
        assign
          ? `现将${v.petitioner.name}反映的“${v.matter.summary}”信访事项交办你单位，请依法办理，${due === null ? '' : `于${due}前`}报送办结报告（《信访工作条例》第二十二条）。`
          : `现将${v.petitioner.name}反映的“${v.matter.summary}”信访事项转送你单位，请依法处理，并自收到之日起15日内书面告知信访人是否受理（《信访工作条例》第二十二条、第二十三条）。`,
        text(m, 'note'),
      ],
      rights: null,
    };
  },
  'extension-notice': (v) => {
    const e = v.extension;
    if (e === null || e.status !== 'approved') return null;
    const decided = e.decided as { at?: string } | null;
    const due = lastDayOf(v, 'handling');
    return toPetitioner(v, e.unit, decided?.at ?? e.at, [
      `你（们）提出的关于“${v.matter.summary}”的信访事项，因${text(e, 'reason')}，经本机关负责人批准，办理期限延长${chineseDuration(text(e, 'duration'))}${due === null ? '' : `，至${due}届满`}（《信访工作条例》第三十四条）。`,
    ]);
  },
  'handling-opinion': (v, ctx) => opinion(v, 'first', ctx),
  'review-opinion': (v, ctx) => opinion(v, 'review', ctx),
  're-review-opinion': (v, ctx) => opinion(v, 'reReview', ctx),
  'mediation-agreement': (v) => {
    const r = [...v.resolutions].reverse().find((x) => x.outcome === 'mediation-agreement');
    if (r === undefined) return null;
    return toPetitioner(v, r.unit, r.at, [
      `关于${v.petitioner.name}反映的“${v.matter.summary}”信访事项，经调解，双方自愿达成如下协议（《信访工作条例》第三十三条）：`,
      text(r, 'opinion'),
      '本协议经双方签字后生效，双方应当自觉履行。',
    ]);
  },
};

/** The content of one written act of a case, or null while the case has not recorded that act. */
export function documentContent(kind: DocumentKind, v: V3View, ctx: DocumentContext): DocumentContent | null {
  const draft = DRAFTS[kind](v, ctx);
  if (draft === null) return null;
  const { unit, at, title, paragraphs, ...rest } = draft;
  return {
    ...rest,
    kind,
    title: title ?? DOCUMENT_TITLES[kind].title,
    issuer: ctx.nameOf(unit) ?? unit,
    number: v.number ?? v.id,
    date: chineseDate(at),
    paragraphs: paragraphs.filter((p) => p.trim() !== ''),
  };
}
