import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { VERSION } from '../../version.ts';
import { SESSION_COOKIE } from '../auth/auth-types.ts';

/** Collect every route's schema into an OpenAPI 3 document; register before the routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Muster management API',
        version: VERSION,
        description:
          'Every route with its schemas, the role it needs (x-access) and the errors it answers. Errors are ' +
          '{"code","message"}; the agent API under /api/v1 answers the classic claim error body instead.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          apiKey: { type: 'http', scheme: 'bearer', description: 'an API key (mak_...)' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
}

/** GET /api/openapi.json: the document, open to anyone (it holds no data). */
export const openApiRoute: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/openapi.json',
    {
      schema: {
        summary: 'This document',
        tags: ['server'],
        'x-access': 'public',
        response: { 200: z.record(z.string(), z.unknown()) },
      },
    },
    async () => app.swagger() as unknown as Record<string, unknown>,
  );
};
