import { Controller, Get, Inject, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AggregateRepository, MongoEventStore } from '@eventide/event-store';
import { familyNames } from '@eventide/read-side';
import { ApiKeyGuard, problem, ProblemError, Tenant } from '@eventide/service-kit';
import { ReadsFrom } from '../consistency/consistent-read';
import { sendVersioned } from '../http/conditional';
import { noQuery, parseQuery, pathId } from '../http/query';
import { ReadModels } from '../read-models/read-models';
import { readProductAt, readProductDetails, readProductPage, readProductStock } from './products.reads';
import { productListQuery, productReadQuery, temporalPointOf } from './products.query';
import { TemporalReadsSkipConsistency } from './temporal-read.guard';

const notFound = (id: string) => new ProblemError(problem('not-found', { detail: `no product ${id}` }));

/** Product reads: details (live or as it was), the list, and live stock. */
@Controller('v1/products')
@UseGuards(ApiKeyGuard)
export class ProductsController {
  constructor(
    @Inject(ReadModels) private readonly readModels: ReadModels,
    @Inject(MongoEventStore) private readonly store: MongoEventStore,
    @Inject(AggregateRepository) private readonly repository: AggregateRepository,
  ) {}

  @Get()
  @ReadsFrom(familyNames.mongo)
  list(@Tenant() tenant: string, @Query() query: unknown) {
    return readProductPage(this.readModels, tenant, parseQuery(productListQuery, query));
  }

  @Get(':id')
  @ReadsFrom(familyNames.mongo)
  @UseGuards(TemporalReadsSkipConsistency)
  async details(@Req() req: Request, @Res() res: Response, @Tenant() tenant: string, @Param('id') raw: string) {
    const id = pathId(raw);
    const point = temporalPointOf(parseQuery(productReadQuery, req.query));
    const product = point ? await readProductAt(this.store, this.repository, tenant, id, point) : await readProductDetails(this.readModels, tenant, id);
    if (!product) throw notFound(id);
    sendVersioned(req, res, product.version, product);
  }

  @Get(':id/stock')
  @ReadsFrom(familyNames.redis)
  async stock(@Tenant() tenant: string, @Param('id') raw: string, @Query() query: unknown) {
    const id = pathId(raw);
    parseQuery(noQuery, query);
    const stock = await readProductStock(this.readModels, tenant, id);
    if (!stock) throw notFound(id);
    return stock;
  }
}
