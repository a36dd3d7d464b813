/**
 * The end of the demo's report: how the week happened (usage, the curtailment, the closes), then
 * each party's settlement statements for the week, grouped by role, and per period and currency
 * the balance that proves what buyers (and heat buyers) are charged is what producers and hosts
 * are paid plus the platform fee, to the cent. The checks are made on what the API returned,
 * independently of the application's code.
 */
import { Statement, StatementLine, StatementLineKind } from './market-api';
import { table } from './report';
import { MarketOutcome } from './scenario';
import { periodOf, SettlementOutcome } from './settlement';

const int = new Intl.NumberFormat('en-GB');
const dec1 = new Intl.NumberFormat('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const kwh = (wh: number) => dec1.format(wh / 1000);

/** Signed minor units as a major amount with its currency, exactly (EUR and USD have cents). */
export function money(minor: number, currency: string): string {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${int.format(Math.floor(abs / 100))}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

/** An instant without its zero seconds: `2026-11-27T04:30Z`. */
const hhmm = (iso: string) => iso.replace(/:00(\.000)?Z$/, 'Z');

type Role = Statement['role'];
const ROLES: { role: Role; title: string; kinds: StatementLineKind[] }[] = [
  {
    role: 'buyer',
    title: 'Buyers — invoices (negative: owed by the buyer)',
    kinds: ['compute_charge'],
  },
  {
    role: 'producer',
    title: 'Producers — revenue: energy payment + surplus share',
    kinds: ['energy_payment', 'surplus_share'],
  },
  { role: 'host', title: 'Hosts — host share of the surplus', kinds: ['surplus_share'] },
  { role: 'platform', title: 'Platform — fee', kinds: ['platform_fee'] },
];
const KIND_ORDER: StatementLineKind[] = [
  'compute_charge',
  'energy_payment',
  'surplus_share',
  'heat_revenue',
  'heat_purchase',
  'platform_fee',
  'excess_energy',
  'adjustment',
];
const KIND_LABEL: Record<StatementLineKind, string> = {
  compute_charge: 'compute charges',
  energy_payment: 'energy payment',
  surplus_share: 'surplus share',
  heat_revenue: 'heat revenue',
  heat_purchase: 'heat purchase',
  platform_fee: 'platform fee',
  excess_energy: 'excess energy',
  adjustment: 'adjustments',
};

/** What payers owe: compute charges and heat purchases, and adjustments of them. */
const isCharge = (line: StatementLine) =>
  ['compute_charge', 'heat_purchase'].includes(line.adjusts ?? line.kind);

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

interface Balance {
  period: string;
  currency: string;
  charged: number;
  computeCharged: number;
  heatCharged: number;
  paidOut: number;
  energy: number;
  surplus: number;
  heat: number;
  excess: number;
  fee: number;
  difference: number;
}

function balanceOf(period: string, currency: string, statements: Statement[]): Balance {
  const mine = statements.filter((s) => s.currency === currency);
  const lines = (where: (s: Statement) => boolean) => mine.filter(where).flatMap((s) => s.lines);
  const payers = lines(() => true).filter(isCharge);
  const payees = lines((s) => s.role !== 'platform').filter((line) => !isCharge(line));
  const platform = lines((s) => s.role === 'platform');
  const amountOf = (list: StatementLine[], kind?: StatementLineKind) =>
    sum(
      list.filter((l) => kind === undefined || (l.adjusts ?? l.kind) === kind).map((l) => l.amount),
    );
  const charged = -amountOf(payers);
  const paidOut = amountOf(payees);
  const fee = amountOf(platform);
  return {
    period,
    currency,
    charged,
    computeCharged: -amountOf(payers, 'compute_charge'),
    heatCharged: -amountOf(payers, 'heat_purchase'),
    paidOut,
    energy: amountOf(payees, 'energy_payment'),
    surplus: amountOf(payees, 'surplus_share'),
    heat: amountOf(payees, 'heat_revenue'),
    excess: amountOf(payees, 'excess_energy') + amountOf(platform, 'excess_energy'),
    fee,
    difference: charged - paidOut - fee,
  };
}

/** Independent checks of the statements against each other and against the usage reported. */
function statementProblems(outcome: MarketOutcome, settlement: SettlementOutcome): string[] {
  const problems: string[] = [];
  for (const { period, statements, problems: apiProblems } of settlement.periods) {
    problems.push(...apiProblems);
    if (statements.length === 0) problems.push(`${period}: no statements after the close`);
    for (const statement of statements) {
      const lines = sum(statement.lines.map((l) => l.amount));
      if (lines !== statement.total) {
        problems.push(
          `${statement.statementId}: total ${statement.total} but its lines sum to ${lines}`,
        );
      }
      if (statement.period !== period)
        problems.push(`${statement.statementId}: period ${statement.period}`);
    }
    for (const currency of new Set(statements.map((s) => s.currency))) {
      const balance = balanceOf(period, currency, statements);
      if (balance.difference !== 0) {
        problems.push(
          `${period} ${currency}: charges ${money(balance.charged, currency)} ≠ payouts ` +
            `${money(balance.paidOut, currency)} + fee ${money(balance.fee, currency)}`,
        );
      }
    }
    // Each buyer is charged exactly its delivered GPU-hours × clearing price, once per allocation.
    const charged = new Map<string, number>();
    for (const statement of statements.filter((s) => s.role === 'buyer')) {
      for (const line of statement.lines.filter((l) => l.kind === 'compute_charge')) {
        const id = line.allocationId ?? '?';
        if (charged.has(id)) problems.push(`${period}: allocation ${id} charged twice`);
        charged.set(id, line.amount);
      }
    }
    for (const report of settlement.reports.filter((r) => periodOf(r.allocation.slot) === period)) {
      const { allocation } = report;
      const expected = -report.gpuHoursDelivered * allocation.pricePerGpuHour;
      const got = charged.get(allocation.allocationId);
      if (got !== expected && !(got === undefined && expected === 0)) {
        const ref = outcome.orderRefs.get(allocation.orderId) ?? allocation.orderId;
        problems.push(
          `${period}: ${ref} @ ${allocation.siteId} ${allocation.slot} charged ${got ?? 'nothing'}, ` +
            `expected ${expected} (${report.gpuHoursDelivered} GPU-h × ${allocation.pricePerGpuHour})`,
        );
      }
      charged.delete(allocation.allocationId);
    }
    for (const id of charged.keys())
      problems.push(`${period}: allocation ${id} charged without usage`);
  }
  return problems;
}

export function renderSettlement(
  outcome: MarketOutcome,
  settlement: SettlementOutcome,
): { text: string; ok: boolean } {
  const out: string[] = [];
  const section = (title: string) => out.push('', title, '─'.repeat(title.length));
  const { reports, curtailment, periods } = settlement;
  const ref = (orderId: string) => outcome.orderRefs.get(orderId) ?? orderId;

  // ---- the week as it happened
  section('The week happens (simulated clock), metered usage and curtailment');
  const count = (kind: string) => reports.filter((r) => r.kind === kind).length;
  const allocated = sum(reports.map((r) => r.allocation.gpus));
  const delivered = sum(reports.map((r) => r.gpuHoursDelivered));
  const last = reports.at(-1)?.reportedAt ?? settlement.clockStart;
  out.push(
    `  Clock: a ManualClock injected as CLOCK, started at the real time ${settlement.clockStart}; moved past each ` +
      `of the ${settlement.slotsSimulated} slots with allocations, up to ${hhmm(last)}`,
    `  Meters: ${settlement.meters.length} site identities (role site, one per site: ` +
      `${settlement.meters.map((m) => m.participantId).join(', ')})`,
    `  reported ${int.format(reports.length)} allocations five minutes after each hour: ${int.format(count('full'))} in full, ` +
      `${count('under')} under-delivered, ${count('curtailed')} reduced by the curtailment; ` +
      `${int.format(delivered)} of ${int.format(allocated)} GPU-hours delivered on ` +
      `${kwh(sum(reports.map((r) => r.whConsumed)))} kWh, ` +
      `${kwh(sum(reports.map((r) => r.heatWhRecovered)))} kWh of heat recovered (rougeline)`,
  );
  if (curtailment) {
    const share =
      curtailment.allocatedWh === 0
        ? 0
        : (100 * curtailment.deliverableWh) / curtailment.allocatedWh;
    out.push(
      `  Curtailment: at ${hhmm(curtailment.reportedAt)} ${curtailment.producerId} reported the wind dropped in the ` +
        `${hhmm(curtailment.slot)} slot: ${kwh(curtailment.whCurtailed)} of the ${kwh(curtailment.offeredWh)} kWh offered ` +
        `to ${curtailment.siteId} curtailed, ${kwh(curtailment.deliverableWh)} kWh deliverable ` +
        `(${share.toFixed(0)} % of the ${kwh(curtailment.allocatedWh)} kWh allocated); then the site reported:`,
    );
  }
  const special = reports.filter((r) => r.kind !== 'full');
  if (special.length > 0) {
    out.push(
      table(
        ['slot', 'site', 'order', 'buyer', 'delivered GPU-h', 'kWh metered', 'why'],
        special
          .sort((a, b) =>
            a.kind === b.kind
              ? a.allocation.slot < b.allocation.slot
                ? -1
                : 1
              : a.kind === 'curtailed'
                ? -1
                : 1,
          )
          .map((r) => [
            hhmm(r.allocation.slot),
            r.allocation.siteId,
            ref(r.allocation.orderId),
            r.allocation.buyerId,
            `${r.gpuHoursDelivered}/${r.allocation.gpus}`,
            kwh(r.whConsumed),
            r.kind === 'curtailed' ? 'wind curtailed' : 'GPUs down / job ended early',
          ]),
        [4, 5],
      ),
    );
  }
  out.push(
    `  Closes: ${periods
      .map((p) => `${p.period} at ${hhmm(p.closedAt)} (${p.statements.length} statements)`)
      .join(', ')}; each period closed by the operator only once its month was over`,
  );

  // ---- statements per party, grouped by role
  const multi = periods.length > 1;
  section(
    `Settlement statements for the week, per party (${periods.map((p) => p.period).join(' + ')}; amounts in major units)`,
  );
  const statements = periods.flatMap((p) => p.statements);
  for (const { role, title, kinds: always } of ROLES) {
    const mine = statements.filter((s) => s.role === role);
    if (mine.length === 0) continue;
    const present = new Set(
      mine.flatMap((s) => s.lines.filter((l) => l.amount !== 0).map((l) => l.kind)),
    );
    const kinds = KIND_ORDER.filter((kind) => always.includes(kind) || present.has(kind));
    const quantityHeader =
      role === 'buyer' ? 'GPU-h' : role === 'producer' ? 'kWh paid' : undefined;
    const headers = [
      role === 'platform' ? 'party' : role,
      'cur',
      ...(quantityHeader ? [quantityHeader] : []),
      ...kinds.map((kind) => KIND_LABEL[kind]),
      ...(multi ? periods.map((p) => p.period) : []),
      multi ? 'week total' : 'total',
    ];
    const rowOf = (label: string, currency: string, list: Statement[]): string[] => {
      const lines = list.flatMap((s) => s.lines);
      const quantity =
        role === 'buyer'
          ? int.format(sum(lines.filter((l) => l.kind === 'compute_charge').map((l) => l.quantity)))
          : role === 'producer'
            ? kwh(sum(lines.filter((l) => l.kind === 'energy_payment').map((l) => l.quantity)))
            : undefined;
      return [
        label,
        currency,
        ...(quantity !== undefined ? [quantity] : []),
        ...kinds.map((kind) =>
          money(sum(lines.filter((l) => l.kind === kind).map((l) => l.amount)), currency),
        ),
        ...(multi
          ? periods.map((p) => {
              const of = list.filter((s) => s.period === p.period);
              return of.length === 0 ? '–' : money(sum(of.map((s) => s.total)), currency);
            })
          : []),
        money(sum(list.map((s) => s.total)), currency),
      ];
    };
    const keys = [...new Set(mine.map((s) => `${s.currency}\u0000${s.partyId}`))].sort();
    const rows = keys.map((key) => {
      const [currency, partyId] = key.split('\u0000');
      return rowOf(
        partyId,
        currency,
        mine.filter((s) => s.partyId === partyId && s.currency === currency),
      );
    });
    const currencies = [...new Set(mine.map((s) => s.currency))].sort();
    if (role !== 'platform') {
      for (const currency of currencies) {
        rows.push(
          rowOf(
            `all ${role}s`,
            currency,
            mine.filter((s) => s.currency === currency),
          ),
        );
      }
    }
    out.push('', `  ${title}`, table(headers, rows, headers.map((_, i) => i).slice(2)));
  }

  // ---- balances: per period and currency, then the week
  const balances = periods.flatMap(({ period, statements: items }) =>
    [...new Set(items.map((s) => s.currency))]
      .sort()
      .map((currency) => balanceOf(period, currency, items)),
  );
  const problems = statementProblems(outcome, settlement);
  section('Balance: charges = payouts + platform fee, per period and currency, to the cent');
  const balanceLine = (label: string, b: Balance) => {
    const c = b.currency;
    const parts = [
      `energy ${money(b.energy, c)}`,
      `surplus shares ${money(b.surplus, c)}`,
      ...(b.heat !== 0 ? [`heat ${money(b.heat, c)}`] : []),
      ...(b.excess !== 0 ? [`excess energy ${money(b.excess, c)}`] : []),
    ];
    const charges =
      b.heatCharged !== 0
        ? ` (compute ${money(b.computeCharged, c)} + heat ${money(b.heatCharged, c)})`
        : '';
    return (
      `  ${label} ${c}: charges ${money(b.charged, c)}${charges} = payouts ${money(b.paidOut, c)} ` +
      `(${parts.join(' + ')}) + fee ${money(b.fee, c)}  →  difference ${money(b.difference, c)} ` +
      (b.difference === 0 ? '✓' : '✗')
    );
  };
  for (const balance of balances) out.push(balanceLine(balance.period, balance));
  if (multi) {
    for (const currency of [...new Set(balances.map((b) => b.currency))].sort()) {
      const of = balances.filter((b) => b.currency === currency);
      const total = (key: keyof Balance) => sum(of.map((b) => b[key] as number));
      out.push(
        balanceLine('week', {
          period: 'week',
          currency,
          charged: total('charged'),
          computeCharged: total('computeCharged'),
          heatCharged: total('heatCharged'),
          paidOut: total('paidOut'),
          energy: total('energy'),
          surplus: total('surplus'),
          heat: total('heat'),
          excess: total('excess'),
          fee: total('fee'),
          difference: total('difference'),
        }),
      );
    }
  }
  out.push(
    problems.length === 0
      ? `  SETTLEMENT OK: ${periods.length} period(s), ${statements.length} statements, every one equal to the sum of its ` +
          'lines; every period balances to the cent in every currency; each buyer is charged exactly its delivered ' +
          'GPU-hours × clearing price; each party reads back exactly its own statements'
      : `  SETTLEMENT FAILED: ${problems.length} problem(s):\n${problems.map((p) => `    - ${p}`).join('\n')}`,
  );
  return { text: out.join('\n'), ok: problems.length === 0 };
}
