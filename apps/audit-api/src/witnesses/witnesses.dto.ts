import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { FollowsDomainRule } from '@policloud/http';
import {
  cosignatureLineRule,
  witnessNameRule,
  witnessVerifierKeyRule,
} from './witness-field-rules';

export class RegisterWitnessDto {
  @ApiProperty({ description: 'The witness key name, e.g. witness.example.org/w1' })
  @IsString()
  @MaxLength(200)
  @FollowsDomainRule(witnessNameRule)
  name!: string;

  @ApiProperty({
    description:
      'C2SP verifier key of the witness: <name>+<hex key id>+<base64(0x04 ‖ Ed25519 public key)>',
  })
  @IsString()
  @MaxLength(400)
  @FollowsDomainRule(witnessVerifierKeyRule)
  verifierKey!: string;
}

export class CosignatureDto {
  @ApiProperty({
    description:
      'C2SP cosignature/v1 line over the checkpoint: "— <witness name> base64(key id ‖ timestamp ‖ signature)"',
  })
  @IsString()
  @MaxLength(600)
  @FollowsDomainRule(cosignatureLineRule)
  cosignature!: string;
}
