// Who may open /status and /admintickets (dcrstakepool's isAdmin): a logged-in account whose id
// is in `adminuserids`, from a client address in `adminips` (an empty adminips allows any
// address). Everyone else, logged in or not, gets 403 and a warning in the log.
import { BlockList, isIP } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { clientAddress, currentUser, sendMessagePage } from './page.ts';
import type { LoggedIn } from './page.ts';
import type { PoolPagesDeps } from './pages-context.ts';

/** An IPv4 address written as IPv6 (::ffff:1.2.3.4, what a dual-stack socket reports) as IPv4. */
export function plainIp(ip: string): string {
  const m = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  return m?.[1] ?? ip;
}

/** A matcher for the allow-list; IPv6 addresses match in any spelling (::1 = 0:0:…:1). */
export function ipAllowList(ips: readonly string[]): (ip: string) => boolean {
  if (ips.length === 0) return () => true;
  const list = new BlockList();
  for (const raw of ips) {
    const ip = plainIp(raw.trim());
    const family = isIP(ip);
    if (family === 4) list.addAddress(ip, 'ipv4');
    else if (family === 6) list.addAddress(ip, 'ipv6');
  }
  return (raw) => {
    const ip = plainIp(raw);
    const family = isIP(ip);
    return family !== 0 && list.check(ip, family === 4 ? 'ipv4' : 'ipv6');
  };
}

const matchers = new WeakMap<readonly string[], (ip: string) => boolean>();

/** The admin's account, or undefined after answering 403. */
export async function requirePoolAdmin(
  deps: PoolPagesDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<LoggedIn | undefined> {
  const { adminIps, adminUserIds } = deps.pages;
  let allowed = matchers.get(adminIps);
  if (allowed === undefined) {
    allowed = ipAllowList(adminIps);
    matchers.set(adminIps, allowed);
  }
  const ip = clientAddress(deps, request);
  const lu = await currentUser(deps, request);
  if (lu !== undefined && allowed(ip) && adminUserIds.includes(lu.user.id)) return lu;
  request.log.warn(
    { ip, user: lu?.user.id, url: request.url.split('?', 1)[0] },
    'admin page refused',
  );
  void sendMessagePage(
    deps,
    reply,
    403,
    { title: 'Forbidden', message: 'This page is for the pool’s administrators.' },
    lu?.session,
    lu?.user,
  );
  return undefined;
}
