/**
 * `npm run demo:console`: the demo's market (see demo-market.ts) left running on PORT (default
 * 3000) for the web console: prints the console's address and an API key per role to paste in.
 */
import { DEMO_AUDITOR_ID, startDemoMarket } from './demo-market';

async function main(): Promise<void> {
  const market = await startDemoMarket({
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
  });
  const buyer = market.seed.participants.find((participant) =>
    participant.roles.includes('buyer'),
  )!;
  const producer = market.seed.participants.find((participant) =>
    participant.roles.includes('producer'),
  )!;
  console.log(`Web console: ${market.baseUrl}/console/ (week from ${market.seed.weekStart})`);
  console.log(`  operator             ${market.operatorKey}`);
  console.log(`  auditor (${DEMO_AUDITOR_ID})  ${market.auditorKey}`);
  console.log(`  buyer (${buyer.id})  ${market.keys.get(buyer.id)}`);
  console.log(`  producer (${producer.id})  ${market.keys.get(producer.id)}`);
  console.log('Demo data lives in a temporary directory; Ctrl-C stops and deletes it.');
  const stop = () => void market.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Demo console failed:', error instanceof Error ? error.message : error);
  process.exit(1);
});
