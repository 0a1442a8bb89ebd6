import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { familyNames } from '@eventide/read-side';
import { ApiKeyGuard, Tenant } from '@eventide/service-kit';
import { ReadsFrom } from '../consistency/consistent-read';
import { noQuery, parseQuery } from '../http/query';
import { ReadModels } from '../read-models/read-models';
import { readDashboard } from './dashboard.reads';

/** The tenant's live dashboard from the Redis read models. */
@Controller('v1/dashboard')
@UseGuards(ApiKeyGuard)
export class DashboardController {
  constructor(@Inject(ReadModels) private readonly readModels: ReadModels) {}

  @Get()
  @ReadsFrom(familyNames.redis)
  dashboard(@Tenant() tenant: string, @Query() query: unknown) {
    parseQuery(noQuery, query);
    return readDashboard(this.readModels, tenant);
  }
}
