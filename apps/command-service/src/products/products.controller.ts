import { randomUUID } from 'node:crypto';
import { Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { aggregateTypes, productDecider, type Money, type ProductCommand } from '@eventide/domain';
import { ApiKeyGuard, Tenant } from '@eventide/service-kit';
import { CommandExecutor } from '../commands/command-executor';
import { respond } from '../commands/command-response';
import { jsonBody, pathId } from '../commands/json-body';
import { requestContext, withAttempt } from '../commands/request-context';
import { createProductBody, releaseBody, reserveBody, restockBody, updatePriceBody } from '../commands/request-schemas';
import { IdempotencyStore } from '../idempotency/idempotency.store';

const cents = (price: number) => Math.round(price * 100) as Money;

/** The product commands of the HTTP contract; each builds a domain command and runs it. */
@Controller('v1/products')
@UseGuards(ApiKeyGuard)
export class ProductsController {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly idempotency: IdempotencyStore,
  ) {}

  private run(req: Request, res: Response, tenant: string, id: string, status: 200 | 201, command: () => ProductCommand) {
    const context = requestContext(req, tenant);
    return respond(req, res, this.idempotency, tenant, status, (attempt) =>
      // 201 answers a create: the stream is expected to be new.
      this.executor.execute(productDecider, aggregateTypes.product, id, command(), withAttempt(context, attempt), status === 201),
    );
  }

  @Post()
  async create(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string) {
    const body = jsonBody(req, createProductBody);
    const id = body.id ?? randomUUID();
    await this.run(req, res, tenant, id, 201, () => ({
      type: 'CreateProduct',
      data: { name: body.name, description: body.description, price: cents(body.price), quantity: body.quantity },
    }));
  }

  @Post(':id/price')
  async price(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, updatePriceBody);
    await this.run(req, res, tenant, pathId(id), 200, () => ({ type: 'UpdateProductPrice', data: { price: cents(body.price) } }));
  }

  @Post(':id/restock')
  async restock(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, restockBody);
    await this.run(req, res, tenant, pathId(id), 200, () => ({ type: 'RestockProduct', data: { quantity: body.quantity } }));
  }

  @Post(':id/reservations')
  async reserve(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, reserveBody);
    await this.run(req, res, tenant, pathId(id), 200, () => ({ type: 'ReserveProductQuantity', data: { orderId: body.orderId, quantity: body.quantity } }));
  }

  @Post(':id/releases')
  async release(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, releaseBody);
    await this.run(req, res, tenant, pathId(id), 200, () => ({ type: 'ReleaseProductQuantity', data: { orderId: body.orderId } }));
  }
}
