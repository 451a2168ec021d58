// GET /metrics: Prometheus exposition, unauthenticated but only for the client
// addresses in gateway.yaml metrics.allow (loopback by default).
import { BlockList, isIPv6 } from 'node:net';
import Router from '@koa/router';
import { registry, scrape } from '../metrics.js';
import type { Runtime } from '../runtime.js';

export function metricsRoutes(runtime: Runtime): Router {
  const router = new Router();
  let allowed: { list: string[]; blocks: BlockList } | undefined;
  const allowList = (list: string[]): BlockList => {
    if (allowed?.list !== list) allowed = { list, blocks: toBlockList(list) };
    return allowed.blocks;
  };
  router.get('/metrics', async (ctx) => {
    const ip = ctx.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    if (!allowList(runtime.policies().gateway.metricsAllow).check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4')) {
      runtime.log.info({ reason: 'metrics-not-allowed', client: ip }, 'request refused');
      ctx.status = 404;
      return;
    }
    ctx.type = registry.contentType;
    ctx.body = await scrape(runtime);
  });
  return router;
}

function toBlockList(entries: string[]): BlockList {
  const blocks = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/', 2);
    const type = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (prefix === undefined) blocks.addAddress(address, type);
    else blocks.addSubnet(address, Number(prefix), type);
  }
  return blocks;
}
