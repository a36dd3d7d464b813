// Statements of a month, per party, with the balance check: every statement equals the sum of
// its lines, and (when the key sees every party's) charges = payouts + fee in each currency.
import { ApiError, get } from '../api.js';
import { el, loading, money, table } from '../format.js';

const ROLE_ORDER = ['buyer', 'producer', 'host', 'platform'];

const currentMonth = () => new Date().toISOString().slice(0, 7);

function balanceChecks(statements, seesEveryone) {
  const byCurrency = new Map();
  for (const statement of statements) {
    const entry = byCurrency.get(statement.currency) ?? { charges: 0, payouts: 0, fee: 0 };
    if (statement.role === 'buyer') entry.charges -= statement.total;
    else if (statement.role === 'platform') entry.fee += statement.total;
    else entry.payouts += statement.total;
    byCurrency.set(statement.currency, entry);
  }
  return [...byCurrency].map(([currency, { charges, payouts, fee }]) => {
    const difference = charges - payouts - fee;
    const balanced = difference === 0;
    return el(
      'li',
      {
        class: seesEveryone ? (balanced ? 'ok' : 'bad') : 'partial',
        'data-currency': currency,
        'data-balanced': seesEveryone ? String(balanced) : 'unknown',
      },
      `${currency}: charges ${money(charges, currency)} = payouts ${money(payouts, currency)} + fee ${money(fee, currency)}`,
      seesEveryone
        ? balanced
          ? ' → balances to the minor unit ✓'
          : ` → off by ${money(difference, currency)} ✗`
        : " (only your own statements are visible: the balance across parties is the operator's check)",
    );
  });
}

export async function render(container, context) {
  const { state } = context;
  state.period ??= currentMonth();
  container.replaceChildren(el('h2', { id: 'statements-title' }, 'Statements'));
  const input = el('input', {
    id: 'statements-period',
    type: 'month',
    value: state.period,
    required: true,
  });
  const form = el(
    'form',
    { class: 'field' },
    el('label', { for: 'statements-period' }, 'Month (UTC)'),
    input,
    el('button', { type: 'submit' }, 'Show'),
  );
  const body = el('div');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!/^\d{4}-\d{2}$/.test(input.value)) return;
    state.period = input.value;
    void render(container, context);
  });
  container.append(form, body);
  loading(body, `statements of ${state.period}`);
  let answer;
  try {
    answer = await get(`/v1/settlements/${state.period}/statements`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      body.replaceChildren(
        el('p', { id: 'statements-empty' }, `${state.period} has no statements: ${error.message}`),
      );
      return;
    }
    throw error;
  }
  if (!context.isCurrent()) return;
  const statements = [...answer.items].sort(
    (a, b) =>
      ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) ||
      a.partyId.localeCompare(b.partyId) ||
      a.currency.localeCompare(b.currency),
  );
  if (statements.length === 0) {
    body.replaceChildren(
      el(
        'p',
        { id: 'statements-empty' },
        answer.closed === false
          ? `${state.period} is not closed yet.`
          : `No statement for ${state.period}.`,
      ),
    );
    return;
  }
  const seesEveryone = state.me.roles.includes('operator');
  const rows = statements.map((statement) => {
    const linesTotal = statement.lines.reduce((sum, line) => sum + line.amount, 0);
    const adds = linesTotal === statement.total;
    return [
      statement.partyId,
      statement.role,
      statement.currency,
      el(
        'details',
        {},
        el('summary', {}, `${statement.lines.length} lines`),
        el(
          'ul',
          { class: 'lines' },
          statement.lines.map((line) =>
            el('li', {}, `${money(line.amount, statement.currency)} — ${line.description}`),
          ),
        ),
      ),
      el(
        'span',
        { class: statement.total < 0 ? 'owed-by' : 'owed-to' },
        money(statement.total, statement.currency),
      ),
      el(
        'span',
        { class: adds ? 'ok' : 'bad' },
        adds ? '✓ equals its lines' : `✗ lines sum to ${money(linesTotal, statement.currency)}`,
      ),
    ];
  });
  body.replaceChildren(
    el(
      'p',
      {},
      `${statements.length} statements for ${answer.period}${answer.closed ? ', period closed' : ''}. Positive amounts are owed to the party, negative ones by it.`,
    ),
    el('h3', {}, 'Balance check'),
    el('ul', { class: 'balance', id: 'balance-check' }, balanceChecks(statements, seesEveryone)),
    el(
      'div',
      { class: 'table-wrap' },
      table(
        `Statements of ${answer.period}`,
        ['Party', 'Role', 'Currency', 'Lines', 'Total', 'Check'],
        rows,
        { class: 'data', id: 'statements-table' },
      ),
    ),
  );
}
