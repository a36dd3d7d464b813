import {
  AllocationMadeV1,
  SettlementPeriodClosedV1,
  SettlementStatementIssuedV1,
} from './billing-events';
import { ContractViolationError } from './integration-event';

/** One line of an invoice; amounts are in minor units, positive = the buyer owes it. */
export interface InvoiceLine {
  kind: string;
  allocationId?: string;
  quantity: number;
  unitPrice?: number;
  amount: number;
  description: string;
}

/** An invoice issued from one buyer statement: one invoice per statement, never two. */
export interface Invoice {
  /** The statement's id: settlement issues a statement once, so it names the invoice. */
  invoiceId: string;
  buyerId: string;
  period: string;
  currency: string;
  lines: InvoiceLine[];
  /** Minor units; positive = the buyer owes it, negative = a credit to the buyer. */
  amountDue: number;
  issuedAt: string;
  /** The event the invoice came from, for audit. */
  sourceEventId: string;
}

/** An allocation made to a buyer: committed GPU-hours, charged later from metered usage. */
export interface BuyerAllocation {
  allocationId: string;
  runId: string;
  orderId: string;
  siteId: string;
  slot: string;
  gpus: number;
  pricePerGpuHour: number;
  currency: string;
}

export interface BuyerAccount {
  buyerId: string;
  allocations: BuyerAllocation[];
  /** Per currency: allocated GPU-hours × clearing price (what matching committed). */
  committed: Record<string, number>;
  invoices: Invoice[];
  /** Per currency: the sum of the invoices' amountDue (what settlement charged). */
  invoiced: Record<string, number>;
}

/**
 * The billing system's state: invoices per buyer from the buyer statements, and the
 * allocations made to each buyer. Append-only and unguarded on purpose: applying an event twice
 * would issue a second invoice, so every call goes through a ProcessedEventStore. Each method
 * validates before it writes, so a rejected event leaves nothing behind.
 *
 * In memory here; in production these are tables written in the dedupe transaction.
 */
export class BillingLedger {
  private readonly issued: Invoice[] = [];
  private readonly allocationsByBuyer = new Map<string, BuyerAllocation[]>();
  private readonly closed = new Map<string, SettlementPeriodClosedV1>();

  /** Issues the invoice of a buyer statement; statements of other roles are not invoiced here. */
  recordStatement(statement: SettlementStatementIssuedV1, sourceEventId: string): Invoice | null {
    if (statement.role !== 'buyer') return null;
    const sum = statement.lines.reduce((total, line) => total + line.amount, 0);
    if (!Number.isSafeInteger(sum) || sum !== statement.total) {
      throw new ContractViolationError(
        `statement ${statement.statementId}: lines add up to ${sum}, total is ${statement.total}`,
      );
    }
    const invoice: Invoice = {
      invoiceId: statement.statementId,
      buyerId: statement.partyId,
      period: statement.period,
      currency: statement.currency,
      // The statement is the party's view (positive = owed to the buyer); an invoice is ours.
      lines: statement.lines.map((line) => ({ ...line, amount: -line.amount })),
      amountDue: -statement.total,
      issuedAt: statement.closedAt,
      sourceEventId,
    };
    this.issued.push(invoice);
    return invoice;
  }

  recordAllocation(allocation: AllocationMadeV1): BuyerAllocation {
    const kept: BuyerAllocation = {
      allocationId: allocation.allocationId,
      runId: allocation.runId,
      orderId: allocation.orderId,
      siteId: allocation.siteId,
      slot: allocation.slot,
      gpus: allocation.gpus,
      pricePerGpuHour: allocation.pricePerGpuHour,
      currency: allocation.currency,
    };
    const ofBuyer = this.allocationsByBuyer.get(allocation.buyerId) ?? [];
    ofBuyer.push(kept);
    this.allocationsByBuyer.set(allocation.buyerId, ofBuyer);
    return kept;
  }

  recordPeriodClosed(closed: SettlementPeriodClosedV1): void {
    this.closed.set(closed.period, closed);
  }

  invoices(): readonly Invoice[] {
    return this.issued;
  }

  closedPeriods(): readonly SettlementPeriodClosedV1[] {
    return [...this.closed.values()];
  }

  buyers(): string[] {
    const ids = new Set([...this.allocationsByBuyer.keys(), ...this.issued.map((i) => i.buyerId)]);
    return [...ids].sort();
  }

  account(buyerId: string): BuyerAccount {
    const allocations = this.allocationsByBuyer.get(buyerId) ?? [];
    const invoices = this.issued.filter((invoice) => invoice.buyerId === buyerId);
    const committed: Record<string, number> = {};
    for (const a of allocations) {
      committed[a.currency] = (committed[a.currency] ?? 0) + a.gpus * a.pricePerGpuHour;
    }
    const invoiced: Record<string, number> = {};
    for (const i of invoices) invoiced[i.currency] = (invoiced[i.currency] ?? 0) + i.amountDue;
    return { buyerId, allocations, committed, invoices, invoiced };
  }
}
