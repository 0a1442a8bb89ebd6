import 'reflect-metadata';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { CommandServiceModule } from './command-service.module';
import { commandApiDocument } from './openapi/command-api.openapi';

void runService(
  serviceCatalogue['command-service'],
  (config) => CommandServiceModule.register(config),
  // The document is built from the request schemas, so it cannot drift from what is validated.
  (app) => SwaggerModule.setup('docs', app, commandApiDocument() as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs-json' }),
);
