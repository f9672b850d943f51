/* global location, URLSearchParams */
/**
 * The listed-supervision board (挂牌督办 until 挂牌销号, GET /supervision):
 * open, listed, overdue and at-risk counts per unit, and the escalated and
 * listed cases themselves.
 */
import { api } from '../api-client.js';
import { h, heading, labelledField, section, table } from '../dom.js';
import { deadlineSummary } from '../deadline-view.js';
import { describe } from '../format.js';
import { t } from '../i18n/i18n.js';
import { stateLabel } from '../labels.js';
import { unitLabel, unitName, unitSelect } from '../unit-directory.js';
import { userLabel } from '../user-names.js';

/** On a card (below 600 px) the state and the deadlines come first: the columns' indexes. */
const CARD_LEAD = [2, 5];

export async function renderSupervision(view, { params, session }) {
  const unit = params.get('unit') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const board = await api('/supervision', { query: { unit, cursor } });
  // The cases come a page at a time (the counts per unit are whole on every page).
  const pageHash = (next) =>
    `#/supervision?${new URLSearchParams(Object.entries({ unit, cursor: next }).filter(([, v]) => v !== undefined))}`;
  const unitInput = unitSelect({ id: 'board-unit', name: 'unit', scope: session.claims.unit, value: unit, allLabel: t('board.ownUnits') });
  const choose = (event) => {
    event.preventDefault();
    const unit = unitInput.value;
    location.hash = unit === '' ? '#/supervision' : `#/supervision?unit=${encodeURIComponent(unit)}`;
  };

  view.append(
    heading(t('nav.supervision')),
    h(
      'form',
      { class: 'filters', onsubmit: choose },
      labelledField(t('common.unitAndBelow'), unitInput),
      h('button', { type: 'submit' }, t('common.show')),
    ),
    section(
      t('board.perUnit'),
      board.units.length === 0
        ? h('p', { class: 'empty' }, t('board.noOpen'))
        : table(
            t('board.perUnitCaption', { unit: unitName(board.unit) ?? '' }),
            [t('field.unit'), t('board.active'), t('case.listed'), t('dashboard.overdue'), t('dashboard.atRisk')],
            board.units.map((u) =>
              h(
                'tr',
                { 'data-unit': u.unit },
                h('th', { scope: 'row' }, unitLabel(u.unit)),
                h('td', null, String(u.active)),
                h('td', null, String(u.listed)),
                h('td', { class: u.overdue > 0 ? 'overdue' : null }, String(u.overdue)),
                h('td', null, String(u.atRisk)),
              ),
            ),
          ),
    ),
    section(
      t('board.cases'),
      board.cases.length === 0
        ? h('p', { class: 'empty' }, t('board.noCases'))
        : table(
            t('board.casesCaption'),
            [t('list.col.matter'), t('field.unit'), t('field.status'), t('field.escalation'), t('field.leader'), t('field.clock')],
            board.cases.map((p) =>
              h(
                'tr',
                { 'data-case-id': p.id },
                h('td', null, h('a', { href: `#/cases/${p.id}` }, p.matter.summary)),
                h('td', null, unitLabel(p.unit)),
                h('td', null, stateLabel(p)),
                h('td', null, describe(p.escalation, 'escalation')),
                h('td', null, p.leader == null ? '—' : userLabel(p.leader)),
                h('td', null, deadlineSummary(p.deadlines)),
              ),
            ),
            { lead: CARD_LEAD },
          ),
      h(
        'p',
        { class: 'pager' },
        cursor !== undefined && h('a', { href: pageHash(undefined) }, t('pager.first')),
        cursor !== undefined && board.nextCursor !== null && ' · ',
        board.nextCursor !== null && h('a', { href: pageHash(board.nextCursor) }, t('pager.next')),
      ),
    ),
  );
}
