// http: the data plane, end to end. curl from a host (or node) to an address or a service.
// `isolated: true` is the negative: it runs `consistently` and holds only while every attempt
// fails to connect (curl exit 7) or times out (exit 28); ANY answer, an HTTP error included,
// breaks it, and so does any other curl error (exit 52/56 mean a connection was made).
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { durationSchema } from '../duration.ts';
import { curlArgv, httpUrl, parseCurl, type CurlOutcome } from '../parse/curl.ts';
import { isIP, isIPv4 } from '../parse/prefix.ts';
import {
  addressRefSchema, describeRef, nodeRefLabel, nodeRefSchema, resolveAddress, type AddressRef, type NodeRef, type Resolver,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { brief, inVrf, parts } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

export const httpParams = z
  .strictObject({
    /** A host name, or a node ref (`{speaker: node}`). */
    from: z.union([z.string().min(1), nodeRefSchema]),
    vrf: z.string().min(1).optional(),
    to: addressRefSchema,
    port: z.number().int().min(1).max(65535).default(80),
    path: z.string().startsWith('/').optional(),
    expect: z
      .strictObject({
        status: z.number().int().min(100).max(599).optional(),
        bodyContains: z.string().optional(),
        /**
         * The server saw this host's own address as the client (no SNAT). The server must echo the
         * client address (agnhost netexec `/clientip` style, `ip:port`); path defaults to /clientip.
         * `true` means the `from` host.
         */
        clientIP: z.union([z.string().min(1), z.literal(true)]).optional(),
      })
      .optional(),
    isolated: z.boolean().optional(),
    /** Per-attempt curl --max-time (about); default from the defaults table. */
    maxTime: durationSchema.optional(),
  })
  .superRefine((p, ctx) => {
    if (p.isolated === true && p.expect !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['expect'], message: 'an isolation check expects no answer: drop expect or isolated' });
    }
    if (p.expect?.clientIP === true && typeof p.from !== 'string' && !('host' in p.from)) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'clientIP'], message: 'clientIP: true needs `from` to be a host; name the host instead' });
    }
  });
export type HttpParams = z.infer<typeof httpParams>;

export interface HttpPlan {
  readonly target: Target;
  readonly from: string;
  readonly vrf?: string;
  readonly url: string;
  readonly isolated: boolean;
  readonly status: number;
  readonly bodyContains?: string;
  readonly clientIP?: string;
  /** curl --connect-timeout (ms); from the defaults table. */
  readonly connectTimeoutMs?: number;
}

/** curl's --max-time is the attempt budget minus this, so curl reports a timeout (exit 28) itself. */
// Generous: on a loaded 2-core machine nsenter + curl start-up alone has taken over 300 ms.
export const CURL_MARGIN_MS = 1_000;

const fromRef = (from: HttpParams['from']): NodeRef => (typeof from === 'string' ? { host: from } : (from as NodeRef));

function clientIPHost(p: HttpParams): string | undefined {
  const c = p.expect?.clientIP;
  if (c === undefined) return undefined;
  if (c !== true) return c;
  const ref = fromRef(p.from);
  return 'host' in ref ? ref.host : undefined;
}

/** The address an echo server printed: `ip:port`, `[v6]:port`, or a bare IP. */
export function echoedClientIP(body: string): string | undefined {
  const t = body.trim().split(/\s+/)[0] ?? '';
  const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$/.exec(t);
  if (v4?.[1] && isIPv4(v4[1])) return v4[1];
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::\d+)?$/.exec(t);
  if (v6?.[1]) return v6[1];
  return isIP(t) ? t : undefined;
}

function expectedText(p: { from: string; vrf?: string | undefined; url: string; isolated: boolean; status?: number | undefined; bodyContains?: string | undefined; clientIP?: string | undefined }): string {
  if (p.isolated) return `${p.from}${inVrf(p.vrf)} gets no answer from ${p.url} (connect fails or times out)`;
  const what = parts(`HTTP ${p.status ?? 200}`, p.bodyContains !== undefined && `body containing ${JSON.stringify(p.bodyContains)}`, p.clientIP !== undefined && `server sees client ${p.clientIP}`);
  return `${p.from}${inVrf(p.vrf)} gets ${what} from ${p.url}`;
}

function condense(o: CurlOutcome): Record<string, unknown> {
  if (o.kind !== 'reached') return { outcome: o.kind, curlExit: o.exitCode, ...(o.error ? { error: o.error } : {}) };
  return { outcome: 'reached', status: o.status, ...(o.remoteIp ? { remoteIp: o.remoteIp } : {}), body: brief(o.body.trim(), 120) };
}

export function evaluateHttp(plan: HttpPlan, o: CurlOutcome): Evaluation {
  const expected = expectedText(plan);
  const observed = condense(o);
  if (plan.isolated) {
    if (o.kind === 'unreachable' || o.kind === 'timeout') {
      return { ok: true, expected, observed, message: `no answer (curl exit ${o.exitCode})` };
    }
    const what = o.kind === 'reached' ? `got an answer: HTTP ${o.status}` : `curl exit ${o.exitCode} is not isolation (${o.error ?? 'error'})`;
    return { ok: false, expected, observed, message: `${plan.from} reached ${plan.url}: ${what}` };
  }
  if (o.kind !== 'reached') {
    return { ok: false, expected, observed, message: `no answer: ${o.kind} (curl exit ${o.exitCode}${o.error ? `: ${o.error}` : ''})` };
  }
  if (o.status !== plan.status) return { ok: false, expected, observed, message: `HTTP ${o.status}, expected ${plan.status}` };
  if (plan.bodyContains !== undefined && !o.body.includes(plan.bodyContains)) {
    return { ok: false, expected, observed, message: `body does not contain ${JSON.stringify(plan.bodyContains)}` };
  }
  if (plan.clientIP !== undefined) {
    const seen = echoedClientIP(o.body);
    if (seen !== plan.clientIP) {
      return { ok: false, expected, observed: { ...observed, clientIP: seen ?? null }, message: `server saw client ${seen ?? '(no address in body)'}, expected ${plan.clientIP}` };
    }
    return { ok: true, expected, observed: { ...observed, clientIP: seen }, message: `HTTP ${o.status}, client ${seen}` };
  }
  return { ok: true, expected, observed, message: `HTTP ${o.status}` };
}

export const http: CheckKind<HttpParams, HttpPlan, CurlOutcome> = {
  kind: 'http',
  params: httpParams,
  defaultMode: (p) => (p.isolated === true ? 'consistently' : 'eventually'),
  defaults(p) {
    const row = p.isolated === true ? CHECK_DEFAULTS['http-isolation'] : CHECK_DEFAULTS.http;
    return p.maxTime === undefined ? row : { ...row, attemptTimeoutMs: p.maxTime + CURL_MARGIN_MS };
  },
  describe(p) {
    const client = clientIPHost(p);
    const path = p.path ?? (client !== undefined ? '/clientip' : '/');
    return expectedText({
      from: nodeRefLabel(fromRef(p.from)),
      vrf: p.vrf,
      url: `${describeRef(p.to)}:${p.port}${path}`,
      isolated: p.isolated === true,
      status: p.expect?.status,
      bodyContains: p.expect?.bodyContains,
      clientIP: client,
    });
  },
  plan(p, resolver: Resolver) {
    const ref = fromRef(p.from);
    const client = clientIPHost(p);
    const isolated = p.isolated === true;
    const connectTimeoutMs = (isolated ? CHECK_DEFAULTS['http-isolation'] : CHECK_DEFAULTS.http).connectTimeoutMs;
    return {
      target: resolver.target(ref),
      from: nodeRefLabel(ref),
      ...(p.vrf !== undefined ? { vrf: p.vrf } : {}),
      url: httpUrl(resolveAddress(resolver, p.to as AddressRef), p.port, p.path ?? (client !== undefined ? '/clientip' : '/')),
      isolated,
      status: p.expect?.status ?? 200,
      ...(p.expect?.bodyContains !== undefined ? { bodyContains: p.expect.bodyContains } : {}),
      ...(client !== undefined ? { clientIP: resolver.hostAddress(client) } : {}),
      connectTimeoutMs,
    };
  },
  async probe(plan, env: ProbeEnv) {
    // curl gives up on its own a little before the attempt's budget, so a timeout is classified
    // (exit 28) instead of being cut off by the poller.
    const maxTimeMs = Math.max(100, env.budgetMs - CURL_MARGIN_MS);
    const r = await env.runtime.exec(plan.target, curlArgv({
      url: plan.url,
      maxTimeS: maxTimeMs / 1000,
      ...(plan.connectTimeoutMs !== undefined ? { connectTimeoutS: plan.connectTimeoutMs / 1000 } : {}),
    }), {
      ...(plan.vrf !== undefined && plan.vrf !== 'default' ? { vrf: plan.vrf } : {}),
      timeoutMs: env.budgetMs + 1_000,
    });
    return parseCurl(r);
  },
  evaluate: evaluateHttp,
};
