// `stakepool serve`: the web server (VSP API, pages, admin) and the jobs, in one process.
import { createContext } from '../context.ts';
import { loadCommandConfig } from './config-load.ts';

export async function serveCommand(argv: readonly string[]): Promise<number> {
  const loaded = loadCommandConfig(argv, 'serve');
  if (loaded === undefined) return 2;
  const { config } = loaded;
  const ctx = await createContext(config, { sources: loaded.sources });
  const listen = config.listenAddress;
  const address =
    listen.kind === 'unix'
      ? await ctx.web.listen({ path: listen.path })
      : await ctx.web.listen({ host: listen.host, port: listen.port });
  ctx.log.info({ address, network: ctx.net.name }, 'stakepool listening');
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      ctx.log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await ctx.close();
  return 0;
}
