import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppConfig } from '@policloud/config';
import { AuditKeyService, SIGNING_KEY_FILE } from './audit-key.service';

describe('the audit signing key kept under DATA_DIR', () => {
  let dataDir: string;
  const keyService = () => new AuditKeyService({ dataDir } as AppConfig);
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'policloud-key-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is generated once, owner-only, with no temporary file left beside it', () => {
    const first = keyService();
    expect(keyService().keyId).toBe(first.keyId);
    expect(readdirSync(dataDir)).toEqual([SIGNING_KEY_FILE]);
    expect(statSync(path.join(dataDir, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  it('an empty key file (a first start killed while writing it) is replaced by a new key', () => {
    writeFileSync(path.join(dataDir, SIGNING_KEY_FILE), '');
    const service = keyService();
    expect(readFileSync(path.join(dataDir, SIGNING_KEY_FILE), 'utf8')).toContain('PRIVATE KEY');
    expect(keyService().keyId).toBe(service.keyId);
  });

  it('a damaged key file stops the start with a message naming DATA_DIR, and is kept', () => {
    writeFileSync(path.join(dataDir, SIGNING_KEY_FILE), '-----BEGIN PRIVATE KEY-----\nMC4CAQ');
    expect(keyService).toThrow(
      /^Invalid configuration: DATA_DIR .*audit-signing-key\.pem is not an Ed25519 private key/,
    );
    expect(readFileSync(path.join(dataDir, SIGNING_KEY_FILE), 'utf8')).toContain('MC4CAQ');
  });
});
