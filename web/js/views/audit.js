/* global document, setTimeout, URL */
/**
 * For auditors: the newest signed checkpoint and whether the trail still
 * leads to every head it signed (GET /audit/checkpoints/latest/verify; take
 * one now with POST /audit/checkpoints), verify every hash chain in scope (GET /audit/verify), replay
 * one case from its trail alone, optionally as of a time (GET
 * /petitions/:id/replay?at=), and download its trail as CSV
 * (GET /petitions/:id/history?format=csv: Chinese headers, Beijing time, one column per field; the
 * machine CSV with canonical JSON fields, to re-compute the hashes, is `format=raw-csv`).
 */
import { api } from '../api-client.js';
import { resolveCaseRef } from '../case-ref.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { unitSelect } from '../unit-directory.js';
import { submitting } from '../form-submit.js';
import { beijingInputToIso, time } from '../format.js';
import { t, tParts } from '../i18n/i18n.js';
import { EVENTS, labelled, ROLES, STATES } from '../labels.js';

/** Long enough for the browser to have started the download before the object URL is released. */
const RELEASE_DOWNLOAD_AFTER_MS = 60_000;

export function renderAudit(view, { params, session }) {
  view.append(
    heading(t('nav.audit')),
    checkpointSection(session.claims.role),
    verifySection(session.claims.unit),
    replaySection(params.get('case') ?? ''),
  );
}

function checkpointOutcome(outcome) {
  if (outcome === null) return h('p', { 'data-testid': 'checkpoint-result' }, t('audit.noCheckpoint'));
  const summary = h(
    'p',
    null,
    tParts('audit.latestCheckpoint', { at: time(outcome.createdAt), n: outcome.cases }),
    h('span', { class: 'visually-hidden', 'data-checkpoint': outcome.checkpointId }),
  );
  if (outcome.ok) {
    return h('div', { 'data-testid': 'checkpoint-result' }, summary, h('p', { class: 'ok' }, t('audit.checkpointValid')));
  }
  const broken = outcome.firstBroken;
  return h(
    'div',
    { role: 'alert', class: 'error', 'data-testid': 'checkpoint-result' },
    summary,
    h('p', null, h('strong', null, t('audit.checkpointFails')), technicalNote(outcome.problem)),
    broken === undefined ? null : brokenAt(broken),
  );
}

/** Where a trail first breaks: the case (a link), the entry, and the technical reason folded away. */
function brokenAt(broken) {
  return h(
    'p',
    null,
    h('a', { href: `#/cases/${broken.caseId}`, title: broken.caseId }, t('audit.brokenCase')),
    t('audit.brokenEntry', { seq: broken.seq }),
    technicalNote(broken.reason),
  );
}

/** A checker's own (English) words, for support: folded under 技术信息. */
function technicalNote(text) {
  if (!text) return null;
  return h('details', { class: 'technical' }, h('summary', null, t('error.technical')), h('p', null, text));
}

function checkpointSection(role) {
  const result = h('div', { 'aria-live': 'polite' }, h('p', null, t('audit.checking')));
  const take = h('button', { type: 'button', onclick: () => void takeCheckpoint() }, t('audit.takeCheckpoint'));
  async function refresh() {
    const { checkpoint } = await api('/audit/checkpoints/latest/verify');
    result.replaceChildren(checkpointOutcome(checkpoint));
  }
  async function takeCheckpoint() {
    await submitting({ button: take, errors: result }, async () => {
      await api('/audit/checkpoints', { method: 'POST' });
      await refresh();
    });
  }
  void submitting({ button: take, errors: result }, refresh);
  return section(
    t('audit.checkpoints'),
    h('p', null, t('audit.checkpointsIntro')),
    result,
    role === 'auditor' || role === 'supervisor' ? take : null,
  );
}

function verifySection(ownUnit) {
  const unit = unitSelect({ id: 'verify-unit', name: 'unit', scope: ownUnit, value: ownUnit });
  const result = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, t('audit.verify'));
  async function verify(event) {
    event.preventDefault();
    await submitting({ button: submit, errors: result }, async () => {
      const outcome = await api('/audit/verify', { query: { unit: unit.value.trim() } });
      result.replaceChildren(
        outcome.ok
          ? h('p', { class: 'ok', 'data-testid': 'verify-result' }, t('audit.intact', { checked: outcome.checked, cases: outcome.cases }))
          : h(
              'div',
              { role: 'alert', class: 'error', 'data-testid': 'verify-result' },
              h('p', null, h('strong', null, t('audit.broken')), t('audit.brokenChecked', { checked: outcome.checked })),
              brokenAt(outcome.firstBroken),
            ),
      );
    });
  }
  return section(
    t('audit.verifyTitle'),
    h('p', null, t('audit.verifyIntro')),
    h('form', { class: 'filters', onsubmit: (event) => void verify(event) }, labelledField(t('common.unitAndBelow'), unit), submit),
    result,
  );
}

function replaySection(initialCase) {
  const caseId = h('input', { id: 'replay-case', name: 'case', type: 'text', autocomplete: 'off', size: 38, value: initialCase });
  const asOf = h('input', { id: 'replay-at', name: 'at', type: 'datetime-local', step: 1 });
  const result = h('div', { 'aria-live': 'polite' });
  const replayButton = h('button', { type: 'submit' }, t('audit.replay'));
  const csvButton = h('button', { type: 'button', onclick: () => void downloadCsv() }, t('audit.downloadCsv'));

  async function replay(event) {
    event.preventDefault();
    await submitting({ button: replayButton, errors: result }, async () => {
      const at = asOf.value === '' ? undefined : beijingInputToIso(asOf.value);
      const outcome = await api(`/petitions/${encodeURIComponent(await resolveCaseRef(caseId.value))}/replay`, { query: { at } });
      result.replaceChildren(replayResult(outcome, at));
    });
  }

  async function downloadCsv() {
    await submitting({ button: csvButton, errors: result }, async () => {
      const id = await resolveCaseRef(caseId.value);
      const csv = await api(`/petitions/${encodeURIComponent(id)}/history`, { query: { format: 'csv' }, as: 'blob' });
      const url = URL.createObjectURL(csv);
      const link = h('a', { href: url, download: `petition-${id}-trail.csv`, hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), RELEASE_DOWNLOAD_AFTER_MS);
    });
  }

  return section(
    t('audit.replayTitle'),
    h('p', null, t('audit.replayIntro')),
    h(
      'form',
      { class: 'filters', onsubmit: (event) => void replay(event) },
      labelledField(t('audit.caseRef'), caseId),
      labelledField(t('audit.asOf'), asOf),
      replayButton,
      csvButton,
    ),
    result,
  );
}

function replayResult(outcome, at) {
  return h(
    'div',
    { 'data-testid': 'replay-result' },
    h(
      'p',
      null,
      at === undefined ? t('audit.rebuiltState') : tParts('audit.stateAsOf', { at: time(at) }),
      h('strong', null, labelled(STATES, outcome.state)),
      ' · ',
      outcome.matchesStored
        ? h('span', { class: 'ok' }, t('audit.matches'))
        : h('span', { class: 'overdue' }, at === undefined ? t('audit.differs') : t('audit.differsAsOf')),
    ),
    table(
      t('audit.stepsCaption', { n: outcome.steps.length, version: outcome.machineVersion }),
      [
        t('trail.col.seq'),
        t('trail.col.at'),
        t('trail.col.event'),
        t('trail.col.actor'),
        t('audit.col.stateAfter'),
        t('audit.col.accepted'),
      ],
      outcome.steps.map((step) =>
        h(
          'tr',
          { 'data-seq': step.seq },
          h('td', null, String(step.seq)),
          h('td', null, time(step.at)),
          h('td', null, labelled(EVENTS, step.type)),
          h('td', { title: step.actor.id }, labelled(ROLES, step.actor.role)),
          h('td', null, labelled(STATES, step.state)),
          h('td', { class: step.accepted ? null : 'overdue' }, step.accepted ? t('format.yes') : t('audit.rejectedByRules')),
        ),
      ),
    ),
  );
}
