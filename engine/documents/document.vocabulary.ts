/**
 * The written acts of the 信访工作条例 the engine produces from a case: one
 * list of kinds (the path segment of `GET /petitions/:id/documents/:kind`)
 * with the title each is printed under. The console, the API description and
 * the renderers all read this list.
 */
export const DOCUMENT_KINDS = [
  'acceptance-notice',
  'rejection-notice',
  'transfer-slip',
  'extension-notice',
  'handling-opinion',
  'review-opinion',
  're-review-opinion',
  'mediation-agreement',
] as const;

/** A kind of written act. */
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** The title each kind is printed under, and the article it carries out. */
export const DOCUMENT_TITLES: Readonly<Record<DocumentKind, { readonly title: string; readonly article: string }>> = {
  'acceptance-notice': { title: '受理告知书', article: '第二十三条' },
  'rejection-notice': { title: '不予受理告知书', article: '第十九条、第三十六条' },
  // 转送单 or 交办单, by how the case was sent (Art 22); the kind is one either way.
  'transfer-slip': { title: '转送/交办单', article: '第二十二条' },
  'extension-notice': { title: '延期告知书', article: '第三十四条' },
  'handling-opinion': { title: '信访处理意见书', article: '第三十二条' },
  'review-opinion': { title: '复查意见书', article: '第三十五条' },
  're-review-opinion': { title: '复核意见书', article: '第三十六条' },
  'mediation-agreement': { title: '调解协议书', article: '第三十三条' },
};

/** The formats a document is served in: a printable HTML page, or a PDF. */
export const DOCUMENT_FORMATS = ['html', 'pdf'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];
