import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds: from a fast cached read to a slow write waiting on a lock. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const RUN_BUCKETS = [0.1, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];
const RUN_SIZE_BUCKETS = [0, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

let processMetrics: Registry | undefined;

/** CPU, memory, event loop and GC of the process: collected once per process. */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * The Prometheus series of one process (README "Operations"). Gauges that describe another
 * component's state are computed when scraped, so that component only has to expose a status.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly eventsAppended = new Counter({
    name: 'policloud_events_appended_total',
    help: 'Events appended to the event store by this process, by event type',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly matchingRunDuration = new Histogram({
    name: 'policloud_matching_run_duration_seconds',
    help: 'Matching runs from request to durable append',
    buckets: RUN_BUCKETS,
    registers: [this.registry],
  });

  readonly matchingRunAllocations = new Histogram({
    name: 'policloud_matching_run_allocations',
    help: 'Allocations written by a matching run',
    buckets: RUN_SIZE_BUCKETS,
    registers: [this.registry],
  });

  readonly leadership = new Gauge({
    name: 'policloud_leader',
    help: '1 while this process holds the leadership of a singleton worker, else 0',
    labelNames: ['singleton'] as const,
    registers: [this.registry],
  });

  /** A gauge whose values are read from `collect` at each scrape. */
  observedGauge<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    collect: (
      set: (labels: Partial<Record<Label, string>>, value: number) => void,
    ) => Promise<void> | void,
  ): void {
    this.registry.removeSingleMetric(name);
    new Gauge<Label>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        this.reset();
        await collect((labels, value) => this.set(labels, value));
      },
    });
  }

  contentType(): string {
    return this.registry.contentType;
  }

  /** This instance's series and the process's (one set per process, however many apps it hosts). */
  text(): Promise<string> {
    return Registry.merge([processRegistry(), this.registry]).metrics();
  }
}
