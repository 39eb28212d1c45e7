/**
 * Every route the server registers, with its schema, collected as Fastify
 * adds them: the HTTP fuzz tests walk this list, so a new route is fuzzed
 * without anyone having to remember it.
 */
import type { FastifyInstance, FastifySchema } from 'fastify';

export interface CatalogueRoute {
  method: string;
  url: string;
  schema: FastifySchema | undefined;
  bodyLimit: number | undefined;
}

export function collectRoutes(app: FastifyInstance): readonly CatalogueRoute[] {
  const routes: CatalogueRoute[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, schema: route.schema, bodyLimit: route.bodyLimit });
    }
  });
  return routes;
}
