import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { DEPENDENCY_CHECKS } from './health.tokens';
import type { DependencyCheck } from './dependency-checks';
import { assessReadiness } from './readiness';

@Controller('health')
export class HealthController {
  constructor(@Inject(DEPENDENCY_CHECKS) private readonly checks: DependencyCheck[]) {}

  /** The process is up and its event loop turns; says nothing about dependencies. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready only when every dependency answers; otherwise a 503 problem naming the ones that do not. */
  @Get('ready')
  async ready(@Res() res: Response) {
    const report = await assessReadiness(this.checks);
    if (report.ready) {
      res.status(200).json({ status: 'ready', checks: report.checks });
      return;
    }
    const failing = Object.entries(report.checks)
      .filter(([, r]) => !r.ok)
      .map(([name]) => name);
    res
      .status(503)
      .header('Retry-After', '5')
      .type('application/problem+json')
      .send({
        type: 'https://eventide.dev/problems/dependency-unavailable',
        title: 'A dependency is unavailable',
        status: 503,
        detail: `not ready: ${failing.join(', ')} did not answer`,
        checks: report.checks,
      });
  }
}
