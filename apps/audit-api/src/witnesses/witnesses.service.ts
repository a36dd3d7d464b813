import { Inject, Injectable } from '@nestjs/common';
import {
  cosignatureTimestamp,
  NOTE_SIGNATURE_COSIGNATURE_V1,
  NoteSignature,
  NoteVerifier,
  parseSignatureLine,
  parseSignedNote,
  parseVerifierKey,
  verifyNoteSignature,
} from '@policloud/audit';
import {
  AUDIT_WITNESS_STREAM,
  auditWitnessDecider,
  DomainError,
  eventOfType,
} from '@policloud/domain';
import { IdSource } from '@policloud/http';
import { Clock, CLOCK, CommandHandler } from '@policloud/runtime';
import { CheckpointsService } from '../checkpoints/checkpoints.service';
import { CosignatureDto, RegisterWitnessDto } from './witnesses.dto';

export interface WitnessView {
  name: string;
  verifierKey: string;
  registeredBy: string;
  registeredAt: string;
}

export interface CosignatureView {
  witness: string;
  treeSize: number;
  cosignature: string;
  timestamp: number;
}

/**
 * Witness keys registered by auditors, and their cosignatures of checkpoints. A cosignature is
 * recorded only once it verifies over the checkpoint's note with the witness's registered key.
 */
@Injectable()
export class WitnessesService {
  constructor(
    private readonly commands: CommandHandler,
    private readonly checkpoints: CheckpointsService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async register(dto: RegisterWitnessDto, actor: string, ids: IdSource): Promise<WitnessView> {
    const verifier = parseWitnessKey(dto);
    const data = {
      name: verifier.name,
      verifierKey: dto.verifierKey.trim(),
      registeredBy: actor,
      registeredAt: this.clock.now().toISOString(),
    };
    await this.commands.handle(
      AUDIT_WITNESS_STREAM,
      auditWitnessDecider,
      { type: 'RegisterWitness', data },
      undefined,
      { actor, ids },
    );
    return data;
  }

  async cosign(
    treeSize: number,
    dto: CosignatureDto,
    actor: string,
    ids: IdSource,
  ): Promise<CosignatureView> {
    const checkpoint = (await this.checkpoints.list()).find((c) => c.treeSize === treeSize);
    if (!checkpoint?.note) throw DomainError.notFound('checkpoint of tree size', String(treeSize));
    const line = dto.cosignature.endsWith('\n') ? dto.cosignature : `${dto.cosignature}\n`;
    let signature: NoteSignature;
    try {
      signature = parseSignatureLine(line);
    } catch (error) {
      throw invalidCosignature((error as Error).message);
    }
    const witness = (await this.list()).witnesses.find((w) => w.name === signature.name);
    if (!witness) {
      throw invalidCosignature(
        `the cosignature is by "${signature.name}", a key no registered witness holds`,
      );
    }
    if (witness.registeredBy !== actor) {
      throw DomainError.forbidden(`witness ${witness.name} was registered by another auditor`);
    }
    const verifier = parseVerifierKey(witness.verifierKey);
    const { text } = parseSignedNote(checkpoint.note);
    if (!verifyNoteSignature(text, signature, verifier)) {
      throw invalidCosignature(
        `the cosignature by ${witness.name} does not verify over the checkpoint of tree size ${treeSize}`,
      );
    }
    const data = {
      witness: witness.name,
      treeSize,
      cosignature: line,
      timestamp: cosignatureTimestamp(signature),
    };
    await this.commands.handle(
      AUDIT_WITNESS_STREAM,
      auditWitnessDecider,
      { type: 'RecordCosignature', data },
      undefined,
      { actor, ids },
    );
    return data;
  }

  async list(): Promise<{ witnesses: WitnessView[]; cosignatures: CosignatureView[] }> {
    const { events } = await this.commands.load(AUDIT_WITNESS_STREAM, auditWitnessDecider);
    const witnesses: WitnessView[] = [];
    const cosignatures: CosignatureView[] = [];
    for (const event of events) {
      const registered = eventOfType(event, 'AuditWitnessRegistered');
      if (registered) witnesses.push(registered.data);
      const cosigned = eventOfType(event, 'CheckpointCosigned');
      if (cosigned) cosignatures.push(cosigned.data);
    }
    return { witnesses, cosignatures };
  }
}

function parseWitnessKey(dto: RegisterWitnessDto): NoteVerifier {
  let verifier: NoteVerifier;
  try {
    verifier = parseVerifierKey(dto.verifierKey);
  } catch (error) {
    throw DomainError.invalid([{ field: 'verifierKey', message: (error as Error).message }]);
  }
  if (verifier.type !== NOTE_SIGNATURE_COSIGNATURE_V1) {
    throw DomainError.invalid([
      { field: 'verifierKey', message: 'must be a cosignature/v1 key (type 0x04)' },
    ]);
  }
  if (verifier.name !== dto.name) {
    throw DomainError.invalid([
      { field: 'verifierKey', message: `names "${verifier.name}", not the witness "${dto.name}"` },
    ]);
  }
  return verifier;
}

function invalidCosignature(message: string): DomainError {
  return DomainError.invalid([{ field: 'cosignature', message }]);
}
