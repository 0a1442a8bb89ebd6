import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { familyNames } from '@eventide/read-side';
import { ApiKeyGuard, problem, ProblemError, Tenant } from '@eventide/service-kit';
import { ReadsFrom } from '../consistency/consistent-read';
import { sendVersioned } from '../http/conditional';
import { noQuery, parseQuery, pathId } from '../http/query';
import { ReadModels } from '../read-models/read-models';
import { customerOrdersQuery } from './orders.query';
import { readCustomerOrders, readOrderDetails } from './orders.reads';

/** Order reads: one order's details, and a customer's order history. */
@Controller('v1')
@UseGuards(ApiKeyGuard)
export class OrdersController {
  constructor(@Inject(ReadModels) private readonly readModels: ReadModels) {}

  @Get('orders/:id')
  @ReadsFrom(familyNames.mongo)
  async details(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') raw: string) {
    const id = pathId(raw);
    parseQuery(noQuery, req.query);
    const order = await readOrderDetails(this.readModels, tenant, id);
    if (!order) throw new ProblemError(problem('not-found', { detail: `no order ${id}` }));
    sendVersioned(req, res, order.version, order);
  }

  @Get('customers/:customerId/orders')
  @ReadsFrom(familyNames.mongo)
  customerOrders(@Tenant() tenant: string, @Param('customerId') raw: string, @Query() query: unknown) {
    const customerId = pathId(raw, 'customerId');
    return readCustomerOrders(this.readModels, tenant, customerId, parseQuery(customerOrdersQuery, query));
  }
}
