import { createHash, randomUUID } from 'node:crypto';
import {
  BadRequestException,
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  ForbiddenException,
  HttpCode,
  Injectable,
  Post,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FastifyRequest } from 'fastify';
import { Repository } from 'typeorm';
import { CrudPlaceOrderDto } from './crud-reference.dto';
import { CrudApiKeyRow, CrudComputeOrderRow } from './crud-reference.entities';

type Caller = { participantId: string; roles: string[] };
type RequestWithCaller = FastifyRequest & { caller?: Caller };

/**
 * Bearer key → SHA-256 → key row. Keys never change, so a found one is cached, exactly as the
 * marketplace's principal directory does: both sides then pay the same for authentication.
 */
@Injectable()
export class CrudApiKeyGuard implements CanActivate {
  private readonly cache = new Map<string, Caller>();

  constructor(@InjectRepository(CrudApiKeyRow) private readonly keys: Repository<CrudApiKeyRow>) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new UnauthorizedException('An API key is required');
    const keyHash = createHash('sha256').update(match[1], 'utf8').digest('hex');
    let caller = this.cache.get(keyHash);
    if (!caller) {
      const row = await this.keys.findOneBy({ keyHash });
      if (!row) throw new UnauthorizedException('The API key is not valid');
      caller = { participantId: row.participantId, roles: row.roles };
      this.cache.set(keyHash, caller);
    }
    if (!caller.roles.includes('buyer')) throw new ForbiddenException('Buyers only');
    request.caller = caller;
    return true;
  }
}

@Controller('v1/compute-orders')
@UseGuards(CrudApiKeyGuard)
export class CrudComputeOrdersController {
  constructor(
    @InjectRepository(CrudComputeOrderRow)
    private readonly orders: Repository<CrudComputeOrderRow>,
  ) {}

  /** Validates, inserts one row, answers 201 with its id once PostgreSQL has committed it. */
  @Post()
  @HttpCode(201)
  async place(
    @Body() body: CrudPlaceOrderDto,
    @Req() request: RequestWithCaller,
  ): Promise<{ id: string; revision: number }> {
    const earliestStart = new Date(body.earliestStart);
    const deadline = new Date(body.deadline);
    if (deadline.getTime() - earliestStart.getTime() < body.hours * 3_600_000) {
      throw new BadRequestException('deadline: the window is shorter than the hours asked');
    }
    const id = randomUUID();
    await this.orders.insert({
      id,
      buyerId: request.caller!.participantId,
      gpus: body.gpus,
      hours: body.hours,
      earliestStart,
      deadline,
      gpuModel: body.gpuModel ?? null,
      maxPricePerGpuHour: String(body.maxPricePerGpuHour),
      currency: body.currency,
      allOrNone: body.allOrNone ?? false,
      constraints: { ...body.constraints },
      status: 'open',
      revision: 0,
      createdAt: new Date(),
    });
    return { id, revision: 0 };
  }
}
