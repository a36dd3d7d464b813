// The auditor's view: does the history verify, the latest signed checkpoints, a buyer's
// sovereignty report with each order's verdicts, and the bundle export for the offline CLI.
import { fetchRaw, get } from '../api.js';
import { el, integer, loading, shortId, table } from '../format.js';

const VERDICT_TEXT = { pass: '✓ pass', fail: '✗ fail', not_requested: '— not requested' };
const LATEST_CHECKPOINTS = 5;

function verifySection(result) {
  const ok = result.ok === true;
  const details = Object.entries(result).filter(
    ([key]) =>
      ![
        'ok',
        'from',
        'to',
        'keyId',
        'eventsChecked',
        'checkpointsChecked',
        'checkpointsSkipped',
      ].includes(key),
  );
  return el(
    'div',
    { id: 'verify-result', class: ok ? 'verdict ok' : 'verdict bad', 'data-ok': String(ok) },
    el('p', { class: 'big' }, ok ? '✓ The history verifies' : '✗ The history does not verify'),
    el(
      'p',
      {},
      `Positions ${integer(result.from)} to ${integer(result.to)}: ${integer(result.eventsChecked ?? 0)} events and ${integer(result.checkpointsChecked ?? 0)} checkpoints checked${result.checkpointsSkipped ? `, ${integer(result.checkpointsSkipped)} skipped` : ''}; key ${result.keyId ?? '?'}.`,
    ),
    details.length ? el('pre', {}, JSON.stringify(Object.fromEntries(details), null, 2)) : null,
  );
}

function checkpointsSection(published) {
  const latest = [...published.items]
    .sort((a, b) => b.sequence - a.sequence)
    .slice(0, LATEST_CHECKPOINTS);
  return el(
    'div',
    {},
    el(
      'p',
      {},
      `${integer(published.items.length)} checkpoints, signed with ${published.algorithm} key ${published.keyId}.`,
    ),
    table(
      'Latest checkpoints',
      ['Sequence', 'Positions', 'Events', 'Sealed at', 'Merkle root'],
      latest.map((checkpoint) => [
        String(checkpoint.sequence),
        `${integer(checkpoint.fromPosition)} – ${integer(checkpoint.toPosition)}`,
        integer(checkpoint.eventCount),
        checkpoint.sealedAt,
        el('code', { title: checkpoint.merkleRoot }, `${checkpoint.merkleRoot.slice(0, 16)}…`),
      ]),
      { class: 'data', id: 'checkpoints-table' },
    ),
  );
}

function sovereigntySection(report) {
  const orders = report.orders ?? [];
  const constraintNames = [
    ...new Set(orders.flatMap((order) => Object.keys(order.verdicts ?? {}))),
  ];
  const hours = new Map();
  for (const allocation of report.allocations ?? []) {
    const key = `${allocation.country}|${allocation.operatorJurisdiction}|${allocation.operatorLegalEntity}|${allocation.energy
      .map((energy) => energy.source)
      .sort()
      .join('+')}`;
    hours.set(key, (hours.get(key) ?? 0) + (allocation.gpuHoursDelivered ?? allocation.gpus));
  }
  const failures = orders.filter((order) =>
    Object.values(order.verdicts ?? {}).includes('fail'),
  ).length;
  return el(
    'div',
    {},
    el(
      'p',
      { id: 'sovereignty-summary', class: failures ? 'bad' : 'ok' },
      `${report.buyerId}: ${orders.length} orders, ${failures ? `${failures} with a failed constraint ✗` : 'every constraint met ✓'}; ${integer((report.allocations ?? []).length)} allocations.`,
    ),
    table(
      `Verdicts per order of ${report.buyerId}`,
      ['Order', 'Constraints', ...constraintNames],
      orders.map((order) => [
        el('code', { title: order.orderId }, shortId(order.orderId)),
        el('code', {}, JSON.stringify(order.constraints)),
        ...constraintNames.map((name) => {
          const verdict = order.verdicts?.[name] ?? 'not_requested';
          return el(
            'span',
            { class: `verdict-${verdict}`, 'data-verdict': verdict },
            VERDICT_TEXT[verdict] ?? verdict,
          );
        }),
      ]),
      { class: 'data', id: 'verdicts-table' },
    ),
    table(
      'Where the GPU-hours ran',
      ['Country', 'Operator jurisdiction', 'Operator', 'Energy', 'GPU-hours'],
      [...hours].map(([key, gpuHours]) => [...key.split('|'), integer(gpuHours)]),
      { class: 'data', id: 'where-table' },
    ),
  );
}

/** The whole history's bundle, as the offline verifier (`npm run audit:verify`) reads it. */
async function exportBundle(status) {
  status.textContent = 'Exporting…';
  const response = await fetchRaw('/v1/audit/export');
  const blob = await response.blob();
  const text = await blob.text();
  const lines = text.split('\n').filter(Boolean).length;
  const name = `policloud-audit-${new Date().toISOString().slice(0, 10)}.ndjson`;
  const link = el('a', { href: URL.createObjectURL(blob), download: name }, name);
  document.body.append(link);
  link.click();
  link.remove();
  status.replaceChildren(
    `Downloaded ${name}: ${integer(lines)} lines, ${integer(Math.ceil(blob.size / 1024))} kB. Verify it offline with `,
    el('code', {}, `npm run audit:verify -- ${name}`),
    '.',
  );
  status.dataset.lines = String(lines);
}

export async function render(container, context) {
  const { state } = context;
  container.replaceChildren(el('h2', { id: 'audit-title' }, 'Audit'));
  const verifyBox = el(
    'section',
    { 'aria-labelledby': 'verify-title' },
    el('h3', { id: 'verify-title' }, 'Integrity'),
  );
  const checkpointsBox = el(
    'section',
    { 'aria-labelledby': 'checkpoints-title' },
    el('h3', { id: 'checkpoints-title' }, 'Checkpoints'),
  );
  const buyerInput = el('input', {
    id: 'sovereignty-buyer',
    type: 'text',
    required: true,
    value: state.auditBuyer ?? '',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const reportBox = el('div', { id: 'sovereignty-report' });
  const exportStatus = el('p', { id: 'export-status', role: 'status' });
  const form = el(
    'form',
    { class: 'field' },
    el('label', { for: 'sovereignty-buyer' }, 'Buyer id'),
    buyerInput,
    el('button', { type: 'submit' }, 'Sovereignty report'),
    el(
      'button',
      {
        type: 'button',
        id: 'export-button',
        class: 'secondary',
        onclick: () => exportBundle(exportStatus).catch(context.showError),
      },
      'Export audit bundle',
    ),
  );
  const sovereigntyBox = el(
    'section',
    { 'aria-labelledby': 'sovereignty-title' },
    el('h3', { id: 'sovereignty-title' }, 'Sovereignty report and export'),
    form,
    el(
      'p',
      { class: 'hint' },
      'The export downloads the whole history as a bundle (events, hashes, checkpoints, proofs, public key) for the offline verifier.',
    ),
    exportStatus,
    reportBox,
  );
  container.append(verifyBox, checkpointsBox, sovereigntyBox);

  const showReport = async () => {
    const buyerId = buyerInput.value.trim();
    if (!buyerId) return;
    state.auditBuyer = buyerId;
    loading(reportBox, `the sovereignty report of ${buyerId}`);
    try {
      reportBox.replaceChildren(
        sovereigntySection(await get(`/v1/audit/sovereignty/${encodeURIComponent(buyerId)}`)),
      );
    } catch (error) {
      reportBox.replaceChildren();
      context.showError(error);
    }
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void showReport();
  });

  const verifying = el('p', { role: 'status' }, 'Verifying the history…');
  verifyBox.append(verifying);
  loading(checkpointsBox.appendChild(el('div')), 'checkpoints');
  const [verified, published] = await Promise.all([
    get('/v1/audit/verify'),
    get('/v1/audit/checkpoints'),
  ]);
  if (!context.isCurrent()) return;
  verifying.replaceWith(verifySection(verified));
  checkpointsBox.lastChild.replaceWith(checkpointsSection(published));
  if (state.auditBuyer) await showReport();
}
