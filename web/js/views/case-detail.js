/**
 * One case: its state, the petitioner as the API shows them to this role
 * (masked or withheld by the server, never here), the matter, how it is being
 * handled, its deadlines, open incidents, the actions allowed now, and its trail.
 */
import { api } from '../api-client.js';
import { append, definitions, h, section, table } from '../dom.js';
import { deadlineTable } from '../deadline-view.js';
import { describe, shortTime, time } from '../format.js';
import { t, tParts } from '../i18n/i18n.js';
import {
  CHANNELS,
  CLOCKS,
  CLOSURES,
  EVENTS,
  fieldLabel,
  ITEM_CLASSES,
  labelled,
  nameOf,
  ROLES,
  stateLabel,
  STATES,
  SUPERVISION_LEVELS,
  valuesOf,
} from '../labels.js';
import { offers } from '../pages.js';
import { unitLabel } from '../unit-directory.js';
import { rememberNames, userName } from '../user-names.js';
import { attachmentsSection } from './attachments.js';
import { exportButtons } from './export-buttons.js';
import { documentsSection } from './documents.js';
import { eventActions } from './event-actions.js';

/**
 * Parts of the view that say how the case is being handled, shown when set:
 * the fields of every version (a version 1 or 2 case has `escalation` and
 * `delivery`; a version 3 case the handling body, review body, supervision
 * beside the lifecycle, notice, report and every act in order).
 */
const HANDLING = [
  'assignee',
  'review',
  'moves',
  'assignment',
  'notice',
  'objections',
  'infoRequests',
  'conference',
  'leader',
  'instructions',
  'supervision',
  'mediation',
  'hearings',
  'extension',
  'pauses',
  'escalation',
  'resolutions',
  'resolution',
  'delivery',
  'deliveries',
  'satisfaction',
  'report',
  'routing',
  'referral',
  'rejection',
  'withdrawal',
  'mergedInto',
  'closure',
];

/** Art 35: what a version 1 or 2 `reviewStage` counts (version 3 names its stage: first, review, reReview). */
const REVIEW_STAGES = { 1: 'case.reviewDecided', 2: 'case.reReviewDecided' };

/** Whether a part of the view is there to show: set, and not an empty list. */
const present = (value) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0);

export async function renderCaseDetail(view, { match, session }) {
  const id = match[1].toLowerCase();
  const status = h('p', { role: 'status', class: 'notice', hidden: true });

  async function load() {
    const [petition, history] = await Promise.all([api(`/petitions/${id}`), api(`/petitions/${id}/history`)]);
    rememberNames(history.names);
    draw(petition, history.events);
  }

  function draw(petition, events) {
    view.replaceChildren();
    // append() skips the sections that do not apply (false), which replaceChildren would print as text.
    append(view, [
      h('p', { class: 'crumbs' }, h('a', { href: '#/cases' }, t('case.backToList'))),
      h('h1', { tabindex: '-1' }, petition.matter.summary),
      h(
        'p',
        { class: 'state-line' },
        t('case.state'),
        h('strong', { class: `state state-${petition.state}`, 'data-testid': 'case-state' }, stateLabel(petition)),
        t('case.number'),
        h('strong', { 'data-testid': 'case-number' }, petition.number ?? '—'),
      ),
      technicalInfo(petition),
      status,
      section(
        t('case.actions'),
        eventActions(petition, {
          onDone: async (updated, type) => {
            // Re-read rather than draw the command's answer: only a case read carries its open incidents.
            await load();
            status.hidden = false;
            status.replaceChildren(
              t('case.done', {
                event: nameOf(EVENTS, type),
                state: CLOSURES[updated.closure] ?? nameOf(STATES, updated.state),
              }),
            );
          },
          onReload: load,
        }),
        offers(session.claims.role, '#/audit') && h('p', null, h('a', { href: `#/audit?case=${petition.id}` }, t('case.replayLink'))),
      ),
      section(
        t('field.petitioner'),
        h('div', { 'data-testid': 'petitioner' }, describe(petition.petitioner)),
        representatives(petition.representatives),
      ),
      section(t('field.matter'), describe(petition.matter)),
      section(t('case.overview'), overview(petition)),
      section(t('case.handling'), handling(petition)),
      section(t('field.clock'), deadlineTable(petition.deadlines)),
      documentsSection(petition.id),
      attachmentsSection(petition.id),
      petition.incidents?.length > 0 && section(t('nav.incidents'), incidentList(petition.incidents)),
      section(
        t('case.trail'),
        exportButtons(`/petitions/${petition.id}/history`, {}, `${t('case.trailExportName')}-${petition.number ?? petition.id}`),
        trailTable(events),
      ),
    ]);
  }

  await load();
}

function representatives(list) {
  if (list.length === 0) return null;
  return h('div', null, h('h3', null, t('field.representatives')), describe(list));
}

function overview(p) {
  return definitions([
    [t('field.unit'), unitLabel(p.unit)],
    [t('field.channel'), labelled(CHANNELS, p.channel)],
    [t('field.class'), p.class ? labelled(ITEM_CLASSES, p.class) : null],
    [t('field.flags'), p.flags && Object.keys(p.flags).length > 0 ? describe(p.flags, 'flags') : null],
    [t('field.receivedBy'), p.receivedBy ? labelled(valuesOf('receivedBy'), p.receivedBy) : null],
    [t('case.recorded'), time(p.createdAt)],
    [t('case.updated'), time(p.updatedAt)],
    [t('case.supervised'), supervisionLine(p)],
    [
      t('case.reviewStage'),
      REVIEW_STAGES[p.reviewStage] !== undefined
        ? t(REVIEW_STAGES[p.reviewStage])
        : p.reviewStage && p.reviewStage !== 'first'
          ? labelled(valuesOf('stage'), p.reviewStage)
          : null,
    ],
  ]);
}

/** Under supervision now: its level (督办, 挂牌督办 …) for version 3, "listed" for versions 1 and 2. */
function supervisionLine(p) {
  if (p.supervision?.active) return labelled(SUPERVISION_LEVELS, p.supervision.level);
  return p.listed ? t('case.listed') : null;
}

function handling(p) {
  const pairs = HANDLING.filter((key) => present(p[key])).map((key) => [fieldLabel(key), describe(p[key], key)]);
  return pairs.length === 0 ? h('p', { class: 'empty' }, t('case.notHandled')) : definitions(pairs);
}

function incidentList(incidents) {
  return table(
    t('case.incidentsCaption'),
    [t('incidents.col.id'), t('field.clock'), t('incidents.col.error'), t('trail.col.at')],
    incidents.map((i) =>
      h(
        'tr',
        null,
        h('td', null, i.id),
        h('td', null, describe(i.clock, 'clock')),
        h('td', null, technicalNote(i.error)),
        h('td', null, time(i.createdAt)),
      ),
    ),
  );
}

/** The hash-chained trail: every change as a sentence (who, when, what), its fields, and the start of its hash. */
function trailTable(events) {
  return table(
    t('case.trailCaption', { n: events.length }),
    [t('trail.col.seq'), t('trail.col.entry'), t('trail.col.fields'), t('trail.col.hash')],
    events.map((e) =>
      h(
        'tr',
        { 'data-seq': e.seq, 'data-event': e.type },
        h('td', null, String(e.seq)),
        h('td', { class: 'trail-sentence' }, trailSentence(e)),
        h('td', null, trailFields(e)),
        h('td', null, h('code', { title: e.hash }, e.hash.slice(0, 12))),
      ),
    ),
  );
}

/** What a breach does, as the policy says (`onBreach`), in words. */
const BREACH_WORDS = { escalate: 'trail.breach.escalate', close: 'trail.breach.close', notify: 'trail.breach.notify' };

/**
 * One trail entry as a sentence: "系统于3月2日09:00记录：受理告知期限届满，自动督办" for the
 * deadline workers, "周敏（登记人员）于3月2日09:00：转送" for a person (by role alone when the trail's
 * `names` do not hold theirs; the sign-in name in the tooltip).
 */
export function trailSentence(e) {
  const at = shortTime(e.at);
  const event = labelled(EVENTS, e.type);
  if (e.actor.role === 'system') {
    const clock = e.fields?.clock === undefined ? null : nameOf(CLOCKS, e.fields.clock);
    if (e.type === 'DEADLINE_BREACHED' && clock !== null) {
      const action = BREACH_WORDS[e.fields.onBreach];
      return tParts('trail.systemBreach', { at, clock, action: action === undefined ? '' : t(action) });
    }
    if (e.type === 'DEADLINE_REMINDER' && clock !== null) return tParts('trail.systemReminder', { at, clock });
    return tParts('trail.system', { at, event });
  }
  const role = nameOf(ROLES, e.actor.role);
  const name = userName(e.actor.id);
  const who = h('span', { title: e.actor.id, 'data-actor': e.actor.id }, name === null ? role : t('trail.namedActor', { name, role }));
  return tParts('trail.person', { who, at, event });
}

/** Fields a deadline sentence already says (the period, its run, the reminder time, what a breach does). */
const SAID_IN_SENTENCE = ['clock', 'generation', 'reminder', 'onBreach'];

function trailFields(e) {
  const deadlineEvent = e.type === 'DEADLINE_BREACHED' || e.type === 'DEADLINE_REMINDER';
  const entries = Object.entries(e.fields).filter(([key]) => !(deadlineEvent && SAID_IN_SENTENCE.includes(key)));
  return entries.length === 0 ? '—' : describe(Object.fromEntries(entries), null, e.type);
}

/** The case's id, rules version and stored version, folded away for auditors and support. */
function technicalInfo(p) {
  return h(
    'details',
    { class: 'technical' },
    h('summary', null, t('error.technical')),
    definitions([
      [t('case.id'), h('code', null, p.id)],
      [t('case.machineVersion'), String(p.machineVersion)],
      [t('case.version'), String(p.version)],
    ]),
  );
}

/** A background job's (English) error, folded away for support. */
function technicalNote(text) {
  return h('details', { class: 'technical' }, h('summary', null, t('error.technical')), h('p', null, text));
}
