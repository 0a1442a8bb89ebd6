import type { Type } from '@nestjs/common';

/** Every controller of the gateway. */
export const gatewayControllers: Type[] = [];
