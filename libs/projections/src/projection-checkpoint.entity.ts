import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './column-transformers';

@Entity({ name: 'projection_checkpoints' })
export class ProjectionCheckpointEntity {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  position!: number;
}
