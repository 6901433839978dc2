import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { API_ERRORS } from '../../protocol/api/errors.ts';
import { VERSION } from '../../version.ts';
import { SESSION_COOKIE } from '../auth/auth-types.ts';

/** The document's info, with every error code (`x-error-codes`, an extension the info object allows). */
const info = {
  title: 'Muster management API',
  version: VERSION,
  description:
    'Every route with its schemas, the role it needs (x-access) and the errors it answers. Errors are ' +
    '{"code","message"}; the agent API under /api/v1 answers the classic claim error body instead. ' +
    'x-error-codes lists every code with its status and meaning.',
  'x-error-codes': Object.fromEntries(
    Object.entries(API_ERRORS).map(([code, e]) => [code.toLowerCase(), { status: e.status, means: e.means }]),
  ),
};

/** Collect every route's schema into an OpenAPI 3 document; register before the routes. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info,
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
