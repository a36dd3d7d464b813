import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import { generateSigningKey, keyIdOf, parseSigningKey, publicKeyOf } from '@policloud/audit';
import { AppConfig } from '@policloud/config';
import { APP_CONFIG } from '@policloud/runtime';

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';

/**
 * The Ed25519 key checkpoints are signed with: AUDIT_SIGNING_KEY, or one generated on the first
 * start and kept (owner-only) under DATA_DIR. Its public half is what auditors verify against.
 */
@Injectable()
export class AuditKeyService {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const pem = config.auditSigningKey ?? this.persistedKey(config.dataDir);
    this.privateKey = parseSigningKey(pem);
    this.publicKeyPem = publicKeyOf(this.privateKey);
    this.keyId = keyIdOf(this.publicKeyPem);
  }

  private persistedKey(dataDir: string): string {
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, generateSigningKey(), { mode: 0o600, flag: 'wx' });
    }
    return readFileSync(file, 'utf8');
  }
}
