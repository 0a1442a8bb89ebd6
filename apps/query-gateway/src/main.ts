import 'reflect-metadata';
import { SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { runService, serviceCatalogue } from '@eventide/service-kit';
import { queryApiDocument } from './openapi/query-api.openapi';
import { QueryGatewayModule } from './query-gateway.module';

void runService(
  serviceCatalogue['query-gateway'],
  (config) => QueryGatewayModule.register(config),
  // Built from the schemas that validate queries, so the document cannot drift from what is checked.
  (app) => SwaggerModule.setup('docs', app, queryApiDocument() as unknown as OpenAPIObject, { jsonDocumentUrl: 'docs-json' }),
);
