import { DeciderSpecification } from '../shared/decider-specification';
import { auditWitnessDecider } from './audit-witness';
import { AuditWitnessRegisteredData, CheckpointCosignedData } from './audit-witness.events';

const spec = DeciderSpecification.for(auditWitnessDecider);
const witness: AuditWitnessRegisteredData = {
  name: 'witness.example/w1',
  verifierKey: 'witness.example/w1+0a0b0c0d+BA==',
  registeredBy: 'auditor-1',
  registeredAt: '2026-03-01T10:00:00.000Z',
};
const cosigned = (treeSize: number): CheckpointCosignedData => ({
  witness: witness.name,
  treeSize,
  cosignature: `\u2014 ${witness.name} AAAA\n`,
  timestamp: 1_772_359_200,
});
const registered = {
  type: 'AuditWitnessRegistered' as const,
  schemaVersion: 1 as const,
  data: witness,
};
const recorded = (treeSize: number) => ({
  type: 'CheckpointCosigned' as const,
  schemaVersion: 1 as const,
  data: cosigned(treeSize),
});

describe('audit witnesses: registered once, cosigning forward only', () => {
  it('registers a witness key', () => {
    spec.given([]).when({ type: 'RegisterWitness', data: witness }).then([registered]);
  });

  it('refuses a second registration of the same name', () => {
    spec
      .given([registered])
      .when({ type: 'RegisterWitness', data: witness })
      .thenThrows('conflict');
  });

  it('records the cosignature of a registered witness', () => {
    spec
      .given([registered])
      .when({ type: 'RecordCosignature', data: cosigned(12) })
      .then([recorded(12)]);
  });

  it('refuses a cosignature by a witness nobody registered', () => {
    spec
      .given([])
      .when({ type: 'RecordCosignature', data: cosigned(12) })
      .thenThrows('invalid', ['cosignature']);
  });

  it('refuses a cosignature of a tree no larger than one the witness cosigned', () => {
    spec
      .given([registered, recorded(12)])
      .when({ type: 'RecordCosignature', data: cosigned(12) })
      .thenThrows('conflict');
  });
});
