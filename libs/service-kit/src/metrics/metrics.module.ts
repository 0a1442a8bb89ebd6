import { Controller, Get, Module, Res } from '@nestjs/common';
import type { Response } from 'express';
import { collectDefaultMetrics, register } from 'prom-client';

collectDefaultMetrics();

@Controller()
class MetricsController {
  /** Prometheus text exposition of the process and the service's own metrics. */
  @Get('metrics')
  async metrics(@Res() res: Response) {
    res.type(register.contentType).send(await register.metrics());
  }
}

@Module({ controllers: [MetricsController] })
export class MetricsModule {}
