/* global location, URLSearchParams */
/**
 * 一人一档: people in the user's units by partial name, ID number, phone
 * (spaces and dashes allowed) or case number (GET /people?q=), each with their
 * matters. Identifiers are as the API masks them for the user's role.
 */
import { api } from '../api-client.js';
import { append, h, heading, labelledField, table } from '../dom.js';
import { time } from '../format.js';
import { t } from '../i18n/i18n.js';
import { labelled, STATES } from '../labels.js';
import { unitLabel } from '../unit-directory.js';

/** On a card (below 600 px) the state comes first: its column's index. */
const CARD_LEAD = [3];

export async function renderPeopleSearch(view, { params }) {
  const q = params.get('q') ?? '';
  const input = h('input', {
    id: 'people-q',
    name: 'q',
    type: 'search',
    autocomplete: 'off',
    value: q,
    placeholder: t('people.placeholder'),
  });
  const form = h(
    'form',
    {
      class: 'filters',
      onsubmit: (event) => {
        event.preventDefault();
        location.hash = `#/people?${new URLSearchParams({ q: input.value.trim() }).toString()}`;
      },
    },
    labelledField(t('people.search'), input),
    h('button', { type: 'submit' }, t('people.search')),
  );
  view.append(heading(t('nav.people')), form);
  if (q.trim() === '') return;
  const found = await api('/people', { query: { q } });
  // append() of dom.js takes the list of people as children (the element's own append would print it as text).
  append(
    view,
    found.items.length === 0
      ? h('p', { class: 'empty' }, t('people.none'))
      : found.items.map((p) =>
          h(
            'section',
            { class: 'person', 'data-person-id': p.id },
            h('h2', null, p.name, ' ', h('small', null, [p.idNumber, p.phone, p.address].filter(Boolean).join(' · '))),
            table(
              t('people.matters', { n: p.matters.length }),
              [t('people.col.number'), t('list.col.matter'), t('field.unit'), t('field.status'), t('case.recorded')],
              p.matters.map((m) =>
                h(
                  'tr',
                  { 'data-case-id': m.caseId },
                  h('td', null, h('a', { href: `#/cases/${m.caseId}`, title: m.caseId }, m.number ?? t('people.noNumber'))),
                  h('td', null, m.summary),
                  h('td', null, unitLabel(m.unit.code, m.unit.name ?? undefined)),
                  h('td', null, labelled(STATES, m.state)),
                  h('td', null, time(m.createdAt)),
                ),
              ),
              { lead: CARD_LEAD },
            ),
          ),
        ),
  );
}
