import { randomUUID } from 'node:crypto';
import { Controller, Param, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { aggregateTypes, orderDecider, type Money, type OrderCommand } from '@eventide/domain';
import { ApiKeyGuard, Tenant } from '@eventide/service-kit';
import { CommandExecutor } from '../commands/command-executor';
import { respond } from '../commands/command-response';
import { jsonBody, pathId } from '../commands/json-body';
import { requestContext, withAttempt } from '../commands/request-context';
import { cancelOrderBody, capturePaymentBody, placeOrderBody } from '../commands/request-schemas';
import { IdempotencyStore } from '../idempotency/idempotency.store';
import { OrderPricing } from './order-pricing';

/** The order commands of the HTTP contract. Confirm and reject come from the fulfilment process. */
@Controller('v1/orders')
@UseGuards(ApiKeyGuard)
export class OrdersController {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly idempotency: IdempotencyStore,
    private readonly pricing: OrderPricing,
  ) {}

  private run(req: Request, res: Response, tenant: string, id: string, status: 200 | 201, command: () => Promise<OrderCommand>) {
    const context = requestContext(req, tenant);
    return respond(req, res, this.idempotency, tenant, status, async (attempt) =>
      // 201 answers a create: the stream is expected to be new.
      this.executor.execute(orderDecider, aggregateTypes.order, id, await command(), withAttempt(context, attempt), status === 201),
    );
  }

  @Post()
  async place(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string) {
    const body = jsonBody(req, placeOrderBody);
    const id = body.id ?? randomUUID();
    await this.run(req, res, tenant, id, 201, async () => ({
      type: 'PlaceOrder',
      data: { customerId: body.customerId, lines: await this.pricing.priceLines(tenant, body.lines) },
    }));
  }

  @Post(':id/payments')
  async pay(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, capturePaymentBody);
    await this.run(req, res, tenant, pathId(id), 200, async () => ({
      type: 'CapturePayment',
      data: { paymentId: body.paymentId, amount: Math.round(body.amount * 100) as Money },
    }));
  }

  @Post(':id/cancel')
  async cancel(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') id: string) {
    const body = jsonBody(req, cancelOrderBody);
    await this.run(req, res, tenant, pathId(id), 200, async () => ({ type: 'CancelOrder', data: body.reason ? { reason: body.reason } : {} }));
  }
}
