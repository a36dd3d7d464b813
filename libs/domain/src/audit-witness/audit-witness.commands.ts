import { Command } from '../shared/event';
import { AuditWitnessRegisteredData, CheckpointCosignedData } from './audit-witness.events';

export type RegisterWitness = Command<'RegisterWitness', AuditWitnessRegisteredData>;
/** Parsed and its signature verified at the edge (libs/audit): decide keeps the witness rules. */
export type RecordCosignature = Command<'RecordCosignature', CheckpointCosignedData>;

export type AuditWitnessCommand = RegisterWitness | RecordCosignature;
