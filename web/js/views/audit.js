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
import { EVENTS, labelled, ROLES, STATES } from '../labels.js';

/** Long enough for the browser to have started the download before the object URL is released. */
const RELEASE_DOWNLOAD_AFTER_MS = 60_000;

export function renderAudit(view, { params, session }) {
  view.append(
    heading('审计', 'Audit'),
    checkpointSection(session.claims.role),
    verifySection(session.claims.unit),
    replaySection(params.get('case') ?? ''),
  );
}

function checkpointOutcome(outcome) {
  if (outcome === null) return h('p', { 'data-testid': 'checkpoint-result' }, '尚无签名检查点 No signed checkpoint yet.');
  const summary = h(
    'p',
    null,
    '最新检查点 Latest checkpoint ',
    h('code', null, outcome.checkpointId),
    '，',
    time(outcome.createdAt),
    `，覆盖 ${outcome.cases} 件案件。`,
  );
  if (outcome.ok) {
    return h(
      'div',
      { 'data-testid': 'checkpoint-result' },
      summary,
      h('p', { class: 'ok' }, '签名有效，所覆盖的轨迹此后未被改动 Signature valid; nothing it covers has changed.'),
    );
  }
  const broken = outcome.firstBroken;
  return h(
    'div',
    { role: 'alert', class: 'error', 'data-testid': 'checkpoint-result' },
    summary,
    h('p', null, h('strong', null, '检查点不成立 Checkpoint fails'), '：', outcome.problem ?? ''),
    broken === undefined
      ? null
      : h(
          'p',
          null,
          '案件 ',
          h('a', { href: `#/cases/${broken.caseId}` }, h('code', null, broken.caseId)),
          `，第 ${broken.seq} 条：${broken.reason}`,
        ),
  );
}

function checkpointSection(role) {
  const result = h('div', { 'aria-live': 'polite' }, h('p', null, '正在核对 Checking…'));
  const take = h('button', { type: 'button', onclick: () => void takeCheckpoint() }, '签署检查点 Take a checkpoint');
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
    '签名检查点',
    'Signed checkpoints',
    h('p', null, '检查点以运维方保管的密钥签署全部案件轨迹的末端哈希；副本保存在数据库之外，可证明此后无人改写。'),
    result,
    role === 'auditor' || role === 'supervisor' ? take : null,
  );
}

function verifySection(ownUnit) {
  const unit = unitSelect({ id: 'verify-unit', name: 'unit', scope: ownUnit, value: ownUnit });
  const result = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit' }, '核验 Verify');
  async function verify(event) {
    event.preventDefault();
    await submitting({ button: submit, errors: result }, async () => {
      const outcome = await api('/audit/verify', { query: { unit: unit.value.trim() } });
      result.replaceChildren(
        outcome.ok
          ? h(
              'p',
              { class: 'ok', 'data-testid': 'verify-result' },
              `完整 Intact：核验 ${outcome.checked} 条记录，${outcome.cases} 件案件，未发现篡改。`,
            )
          : h(
              'div',
              { role: 'alert', class: 'error', 'data-testid': 'verify-result' },
              h('p', null, h('strong', null, '轨迹断裂 Broken chain'), `：已核验 ${outcome.checked} 条记录。`),
              h(
                'p',
                null,
                '案件 ',
                h('a', { href: `#/cases/${outcome.firstBroken.caseId}` }, h('code', null, outcome.firstBroken.caseId)),
                `，第 ${outcome.firstBroken.seq} 条：${outcome.firstBroken.reason}`,
              ),
            ),
      );
    });
  }
  return section(
    '核验审计链',
    'Verify the trail',
    h('p', null, '逐条重算辖区内每件案件轨迹的哈希链，指出第一处断裂。'),
    h('form', { class: 'filters', onsubmit: (event) => void verify(event) }, labelledField('单位（含下级）Unit and below', unit), submit),
    result,
  );
}

function replaySection(initialCase) {
  const caseId = h('input', { id: 'replay-case', name: 'case', type: 'text', autocomplete: 'off', size: 38, value: initialCase });
  const asOf = h('input', { id: 'replay-at', name: 'at', type: 'datetime-local', step: 1 });
  const result = h('div', { 'aria-live': 'polite' });
  const replayButton = h('button', { type: 'submit' }, '回放 Replay');
  const csvButton = h('button', { type: 'button', onclick: () => void downloadCsv() }, '下载轨迹 CSV Download the trail');

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
    '回放与导出',
    'Replay and export',
    h('p', null, '仅凭轨迹重建案件，逐步列出每条记录后的状态；可指定回放到某一时刻（北京时间）。'),
    h(
      'form',
      { class: 'filters', onsubmit: (event) => void replay(event) },
      labelledField('案件 id 或编号 Case id or number', caseId),
      labelledField('回放至（北京时间，可不填）As of', asOf),
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
      at === undefined ? '重建后的状态 Rebuilt state：' : ['截至 ', time(at), ' 的状态 State as of then：'],
      h('strong', null, labelled(STATES, outcome.state)),
      ' · ',
      outcome.matchesStored
        ? h('span', { class: 'ok' }, '与存储的案件一致 matches the stored case')
        : h(
            'span',
            { class: 'overdue' },
            at === undefined
              ? '与存储的案件不一致 differs from the stored case'
              : '与存储的最新状态不同（此刻之后仍有记录，或轨迹与存储不符）differs from the latest stored state',
          ),
    ),
    table(
      `共 ${outcome.steps.length} 步（规则版本 ${outcome.machineVersion}）`,
      ['序号 Seq', '时间 At', '事件 Event', '操作人 Actor', '之后的状态 State after', '规则接受 Accepted'],
      outcome.steps.map((step) =>
        h(
          'tr',
          { 'data-seq': step.seq },
          h('td', null, String(step.seq)),
          h('td', null, time(step.at)),
          h('td', null, labelled(EVENTS, step.type)),
          h('td', null, labelled(ROLES, step.actor.role), ' ', step.actor.id),
          h('td', null, labelled(STATES, step.state)),
          h('td', { class: step.accepted ? null : 'overdue' }, step.accepted ? '是' : '否（与规则不符）'),
        ),
      ),
    ),
  );
}
