import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength } from 'class-validator';

export class RegisterWitnessDto {
  @ApiProperty({ description: 'The witness key name, e.g. witness.example.org/w1' })
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\s+]+$/, { message: 'name must not be empty nor hold spaces or "+"' })
  name!: string;

  @ApiProperty({
    description:
      'C2SP verifier key of the witness: <name>+<hex key id>+<base64(0x04 ‖ Ed25519 public key)>',
  })
  @IsString()
  @MaxLength(400)
  verifierKey!: string;
}

export class CosignatureDto {
  @ApiProperty({
    description:
      'C2SP cosignature/v1 line over the checkpoint: "— <witness name> base64(key id ‖ timestamp ‖ signature)"',
  })
  @IsString()
  @MaxLength(600)
  cosignature!: string;
}
