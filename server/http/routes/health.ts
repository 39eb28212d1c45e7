import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { version } from '../../version.ts';
import type { WorkerPool } from '../../media/workerPool.ts';

export const healthRoutes: FastifyPluginAsyncTypebox<{ pool: WorkerPool }> = async (app, { pool }) => {
  app.get(
    '/api/health',
    {
      schema: {
        response: {
          200: Type.Object({ status: Type.Literal('ok'), version: Type.String(), workers: Type.Integer() }),
        },
      },
    },
    async () => ({ status: 'ok' as const, version, workers: pool.pids().length }),
  );
};
