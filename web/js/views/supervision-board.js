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
import { stateLabel } from '../labels.js';
import { unitLabel, unitName, unitSelect } from '../unit-directory.js';
import { userLabel } from '../user-names.js';

/** On a card (below 600 px) the state and the deadlines come first: the columns' indexes. */
const CARD_LEAD = [2, 5];
/** The unit choice's first option: the user's own unit and all below it. */
const OWN_UNITS = '本单位及全部下级';

export async function renderSupervision(view, { params, session }) {
  const unit = params.get('unit') ?? undefined;
  const cursor = params.get('cursor') ?? undefined;
  const board = await api('/supervision', { query: { unit, cursor } });
  // The cases come a page at a time (the counts per unit are whole on every page).
  const pageHash = (next) =>
    `#/supervision?${new URLSearchParams(Object.entries({ unit, cursor: next }).filter(([, v]) => v !== undefined))}`;
  const unitInput = unitSelect({ id: 'board-unit', name: 'unit', scope: session.claims.unit, value: unit, allLabel: OWN_UNITS });
  const choose = (event) => {
    event.preventDefault();
    const unit = unitInput.value;
    location.hash = unit === '' ? '#/supervision' : `#/supervision?unit=${encodeURIComponent(unit)}`;
  };

  view.append(
    heading('督办看板', 'Supervision board'),
    h(
      'form',
      { class: 'filters', onsubmit: choose },
      labelledField('单位（含下级）Unit and below', unitInput),
      h('button', { type: 'submit' }, '查看 Show'),
    ),
    section(
      '各单位情况',
      'Per unit',
      board.units.length === 0
        ? h('p', { class: 'empty' }, '辖区内没有在办案件。No open cases.')
        : table(
            `${unitName(board.unit) ?? ''}及下级单位的在办案件`,
            ['单位 Unit', '在办 Active', '挂牌督办 Listed', '超期 Overdue', '临期 At risk'],
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
      '督办案件',
      'Listed and escalated cases',
      board.cases.length === 0
        ? h('p', { class: 'empty' }, '没有督办中的案件。No listed cases.')
        : table(
            '挂牌或督办中、尚未终结的案件（挂牌最早的在前）',
            ['事项 Matter', '单位 Unit', '状态 State', '督办 Escalation', '包案领导 Leader', '期限 Deadlines'],
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
        cursor !== undefined && h('a', { href: pageHash(undefined) }, '« 第一页 First page'),
        cursor !== undefined && board.nextCursor !== null && ' · ',
        board.nextCursor !== null && h('a', { href: pageHash(board.nextCursor) }, '下一页 Next page »'),
      ),
    ),
  );
}
