/**
 * The written acts of a case (受理告知书 … 调解协议书), for whoever may read
 * the case: built from the case view that reader gets (scoped, masked for the
 * role), named from the unit tree, laid out as HTML or PDF.
 */
import type { Policy } from '../../config/policy.schema';
import type { Actor } from '../../machines/petition.roles';
import type { CaseQueryService } from '../case-query.service';
import type { PetitionView } from '../case-view';
import { DocumentNotAvailableError } from '../errors';
import { loadDirectory, type UnitDirectorySource } from '../unit-directory';
import { documentContent, type DocumentContent, type DocumentContext, type V3View } from './document-content';
import { documentHtml } from './document-html';
import { documentPdf } from './document-pdf';
import { DOCUMENT_KINDS, DOCUMENT_TITLES, type DocumentFormat, type DocumentKind } from './document.vocabulary';

/** One kind of document of a case, and whether the case has recorded its act. */
export interface DocumentEntry {
  readonly kind: DocumentKind;
  readonly title: string;
  readonly available: boolean;
}

/** A rendered document: its bytes or text, media type and a file name. */
export interface RenderedDocument {
  readonly body: string | Buffer;
  readonly contentType: string;
  readonly fileName: string;
}

/** The documents of a case. */
export interface DocumentService {
  /** Every kind, and which the case can print now. */
  list(caseId: string, actor: Actor): Promise<DocumentEntry[]>;
  /** One document's content; 409 DOCUMENT_NOT_AVAILABLE while the case has not recorded its act. */
  content(caseId: string, kind: DocumentKind, actor: Actor): Promise<DocumentContent>;
  /** One document as a printable page or a PDF. */
  render(caseId: string, kind: DocumentKind, format: DocumentFormat, actor: Actor): Promise<RenderedDocument>;
}

const isV3 = (v: PetitionView): v is V3View => v.machineVersion === 3;

/** Creates the document service over the case reads, the unit tree and the policy's review windows. */
export function createDocumentService(deps: {
  queries: Pick<CaseQueryService, 'get'>;
  units: UnitDirectorySource;
  policy: Pick<Policy, 'clocks'>;
}): DocumentService {
  async function contextFor(): Promise<DocumentContext> {
    const { directory } = await loadDirectory(deps.units);
    return {
      nameOf: (u) => directory.nameOf(u),
      reviewBodyOf: (u) => directory.reviewBodyOf(u),
      reviewWindow: deps.policy.clocks.reviewRequest.duration,
      reReviewWindow: deps.policy.clocks.reReviewRequest.duration,
    };
  }
  /** Every kind's content for the case (null where the act is missing); versions 1 and 2 print none. */
  async function contents(caseId: string, actor: Actor): Promise<{ view: PetitionView; of: (k: DocumentKind) => DocumentContent | null }> {
    const [view, ctx] = await Promise.all([deps.queries.get(caseId, actor), contextFor()]);
    return { view, of: (kind) => (isV3(view) ? documentContent(kind, view, ctx) : null) };
  }
  const service: DocumentService = {
    async list(caseId, actor) {
      const { of } = await contents(caseId, actor);
      return DOCUMENT_KINDS.map((kind) => ({ kind, title: of(kind)?.title ?? DOCUMENT_TITLES[kind].title, available: of(kind) !== null }));
    },
    async content(caseId, kind, actor) {
      const { view, of } = await contents(caseId, actor);
      const content = of(kind);
      if (content === null) throw new DocumentNotAvailableError(kind, view.state);
      return content;
    },
    async render(caseId, kind, format, actor) {
      const content = await service.content(caseId, kind, actor);
      const fileName = `${content.title.replace('/', '')}-${caseId}.${format}`;
      if (format === 'html') return { body: documentHtml(content), contentType: 'text/html; charset=utf-8', fileName };
      return { body: await documentPdf(content), contentType: 'application/pdf', fileName };
    },
  };
  return service;
}
