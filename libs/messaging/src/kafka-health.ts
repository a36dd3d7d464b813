import { Kafka } from 'kafkajs';

export interface KafkaHealth {
  status: 'up' | 'down';
  brokers: number;
  error?: string;
}

/** Asks the cluster for its brokers, bounded in time, so /health never hangs on Kafka. */
export async function kafkaHealth(kafka: Kafka, timeoutMs = 2_000): Promise<KafkaHealth> {
  const admin = kafka.admin();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    await Promise.race([admin.connect(), timeout]);
    const cluster = await Promise.race([admin.describeCluster(), timeout]);
    return { status: 'up', brokers: cluster.brokers.length };
  } catch (error) {
    return { status: 'down', brokers: 0, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}
