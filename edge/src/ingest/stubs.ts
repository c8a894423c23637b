/** @module Durable Object stubs by name: one aggregator per (tenant, shard), one exporter session per (tenant, exporter). */

export function aggregatorStub(env: Env, tenantId: string, shard: number) {
  return env.AGGREGATOR.get(env.AGGREGATOR.idFromName(`${tenantId}/shard/${shard}`));
}

export function exporterStub(env: Env, tenantId: string, exporter: string) {
  return env.EXPORTER.get(env.EXPORTER.idFromName(`${tenantId}/exporter/${exporter}`));
}
