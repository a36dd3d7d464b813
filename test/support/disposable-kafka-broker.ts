import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort } from './free-port';

const KAFKA_SCRIPT = path.join(__dirname, '..', '..', 'scripts', 'kafka.sh');

/**
 * A broker of its own (scripts/kafka.sh with its own state dir and ports) that a test may stop
 * and start, so an outage never touches the broker other tests and colleagues share.
 */
export class DisposableKafkaBroker {
  private constructor(
    private readonly port: number,
    private readonly controllerPort: number,
    private readonly stateDir: string,
  ) {}

  /** Picks the ports and the state dir; the broker is not started (clients may point at it already). */
  static async reserve(): Promise<DisposableKafkaBroker> {
    const [port, controllerPort] = await Promise.all([freePort(), freePort()]);
    if (port === controllerPort) return DisposableKafkaBroker.reserve();
    const stateDir = mkdtempSync(path.join(tmpdir(), 'policloud-kafka-'));
    return new DisposableKafkaBroker(port, controllerPort, stateDir);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts and waits until it serves; `keepData` restarts the same cluster (topics, messages). */
  async start(options: { keepData?: boolean } = {}): Promise<void> {
    await this.run('start', { KAFKA_KEEP_DATA: options.keepData ? '1' : '0' });
  }

  /** An orderly shutdown (SIGTERM, SIGKILL if it hangs); idempotent. */
  async stop(): Promise<void> {
    await this.run('stop');
  }

  /** Stops it and removes its state. */
  async dispose(): Promise<void> {
    try {
      await this.stop();
    } finally {
      rmSync(this.stateDir, { recursive: true, force: true });
    }
  }

  private run(command: 'start' | 'stop', env: Record<string, string> = {}): Promise<void> {
    return new Promise((resolve, reject) => {
      execFile(
        'bash',
        [KAFKA_SCRIPT, command],
        {
          env: {
            ...process.env,
            KAFKA_STATE_DIR: this.stateDir,
            KAFKA_PORT: String(this.port),
            KAFKA_CONTROLLER_PORT: String(this.controllerPort),
            ...env,
          },
          // A first run downloads the jars before starting the broker.
          timeout: 180_000,
        },
        (error, _stdout, stderr) =>
          error
            ? reject(new Error(`scripts/kafka.sh ${command} failed: ${error.message}\n${stderr}`))
            : resolve(),
      );
    });
  }
}
