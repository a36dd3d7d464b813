import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import {
  ConsistencyProof,
  KeyInput,
  WitnessDecision,
  witnessCheckpoint,
  WitnessMemory,
} from '@policloud/audit';

/** The audit API as the witness sees it: GET and POST with the auditor's API key. */
export interface AuditApiClient {
  get<T>(path: string): Promise<{ status: number; body: T }>;
  post<T>(path: string, body: unknown): Promise<{ status: number; body: T }>;
}

export interface WitnessOptions {
  name: string;
  privateKey: KeyInput;
  /** The log's verifier key; when absent, the one the API publishes is pinned on first use. */
  logKey?: string;
  stateFile: string;
}

/** What the witness keeps between runs: the last checkpoint it cosigned and the pinned log key. */
export interface WitnessState extends WitnessMemory {
  logKey: string;
}

interface Published {
  logVerifierKey: string;
  items: { treeSize?: number; note?: string }[];
}

export type WitnessRun = WitnessDecision | { action: 'idle'; reason: string };

/** One poll: fetch the newest checkpoint, check it against the last cosigned one, cosign it. */
export async function runWitnessOnce(
  api: AuditApiClient,
  options: WitnessOptions,
  now = new Date(),
): Promise<WitnessRun> {
  const state = readState(options.stateFile);
  const published = await api.get<Published>('/v1/audit/checkpoints');
  if (published.status !== 200) {
    throw new Error(`GET /v1/audit/checkpoints answered ${published.status}`);
  }
  const logKey = options.logKey ?? state?.logKey ?? published.body.logVerifierKey;
  const newest = published.body.items.filter((c) => c.note && c.treeSize).at(-1);
  if (!newest?.note || !newest.treeSize) {
    return { action: 'idle', reason: 'no checkpoint of the whole-log tree yet' };
  }
  let proof: ConsistencyProof | undefined;
  if (state && newest.treeSize > state.treeSize) {
    const response = await api.get<ConsistencyProof>(
      `/v1/audit/proofs/consistency?from=${state.treeSize}&to=${newest.treeSize}`,
    );
    if (response.status === 200) proof = response.body;
  }
  const decision = witnessCheckpoint(
    { name: options.name, privateKey: options.privateKey, logKeys: [logKey] },
    state,
    newest.note,
    proof,
    now,
  );
  if (decision.action !== 'cosign') return decision;
  const posted = await api.post<unknown>(`/v1/audit/checkpoints/${newest.treeSize}/cosignatures`, {
    cosignature: decision.cosignature,
  });
  if (posted.status !== 201) {
    throw new Error(
      `the platform refused the cosignature of tree size ${newest.treeSize} (${posted.status}): ${JSON.stringify(posted.body)}`,
    );
  }
  writeState(options.stateFile, { ...decision.memory, logKey });
  return decision;
}

export function readState(file: string): WitnessState | undefined {
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as WitnessState;
}

/** Written aside then renamed: a crash never leaves half a state (which would forget a cosign). */
function writeState(file: string, state: WitnessState): void {
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}
