import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { KeyObject } from 'node:crypto';
import {
  DEFAULT_LOG_ORIGIN,
  generateSigningKey,
  keyIdOf,
  logVerifierKey,
  parseSigningKey,
  publicKeyOf,
} from '@policloud/audit';
import { AppConfig, ConfigError } from '@policloud/config';
import { APP_CONFIG, createFileOnce } from '@policloud/runtime';

export const SIGNING_KEY_FILE = 'audit-signing-key.pem';
/** Where an operator puts the key being retired, so the sealer records the rotation it endorses. */
export const PREVIOUS_SIGNING_KEY_FILE = 'audit-signing-key.previous.pem';

/**
 * The Ed25519 key checkpoints are signed with: AUDIT_SIGNING_KEY, or one generated on the first
 * start and kept (owner-only) under DATA_DIR. Its public half is what auditors verify against.
 */
@Injectable()
export class AuditKeyService {
  readonly privateKey: KeyObject;
  readonly publicKeyPem: string;
  readonly keyId: string;
  /** The origin line of the whole-log tree's checkpoints; the note key carries its name. */
  readonly origin = DEFAULT_LOG_ORIGIN;
  /** C2SP verifier key of the checkpoint notes: `<origin>+<key id>+<base64 key>`. */
  readonly logVerifierKey: string;
  /** The key being rotated out, when DATA_DIR holds it (see PREVIOUS_SIGNING_KEY_FILE). */
  readonly previousPrivateKey?: KeyObject;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.privateKey = config.auditSigningKey
      ? parseSigningKey(config.auditSigningKey)
      : this.persistedKey(config.dataDir);
    this.publicKeyPem = publicKeyOf(this.privateKey);
    this.keyId = keyIdOf(this.publicKeyPem);
    this.logVerifierKey = logVerifierKey(this.origin, this.publicKeyPem);
    const previous = path.join(config.dataDir, PREVIOUS_SIGNING_KEY_FILE);
    if (existsSync(previous)) {
      try {
        this.previousPrivateKey = parseSigningKey(readFileSync(previous, 'utf8'));
      } catch (error) {
        throw new ConfigError(
          'DATA_DIR',
          `(${config.dataDir}): ${previous} is not an Ed25519 private key (${(error as Error).message})`,
        );
      }
    }
  }

  private persistedKey(dataDir: string): KeyObject {
    const file = path.join(dataDir, SIGNING_KEY_FILE);
    mkdirSync(dataDir, { recursive: true });
    let pem = existsSync(file)
      ? readFileSync(file, 'utf8')
      : createFileOnce(file, generateSigningKey());
    if (pem.trim() === '') {
      // Left by an earlier version killed while writing it: no checkpoint was ever signed with it.
      rmSync(file);
      pem = createFileOnce(file, generateSigningKey());
    }
    try {
      return parseSigningKey(pem);
    } catch (error) {
      throw new ConfigError(
        'DATA_DIR',
        `(${dataDir}): ${file} is not an Ed25519 private key (${(error as Error).message}); restore it from a backup or set AUDIT_SIGNING_KEY`,
      );
    }
  }
}
