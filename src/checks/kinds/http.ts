// http: the data plane, end to end. curl from a host, a node or a pod to an address or a service.
// `expect.clientIP` states who the server saw as the client: a host (no SNAT), a pod, or a node
// (masqueraded: kube-proxy's Cluster policy, kindnet's pod egress), read from an echo server.
// `isolated: true` is the negative: it runs `consistently` and holds only while every attempt
// fails to connect (curl exit 7) or times out (exit 28); ANY answer, an HTTP error included,
// breaks it, and so does any other curl error (exit 52/56 mean a connection was made).
import { z } from 'zod';
import type { Target } from '../../runtime/runtime.ts';
import { durationSchema } from '../../units/duration.ts';
import { curlArgv, httpUrl, parseCurl, type CurlOutcome } from '../parse/curl.ts';
import { isIP, isIPv4 } from '../../net/ip.ts';
import {
  addressRefSchema, describePodRef, describeRef, nodeRefLabel, nodeRefSchema, podRefSchema, resolveAddress, type AddressRef, type NodeRef, type PodRef, type Resolver,
} from '../resolver.ts';
import { CHECK_DEFAULTS } from '../defaults.ts';
import { canStream, CurlSeries } from '../curl-series.ts';
import { brief, inVrf, parts } from './common.ts';
import type { CheckKind, Evaluation, ProbeEnv } from './types.ts';

const httpParams = z
  .strictObject({
    /** A host name, a node ref (`{speaker: node}`), or a pod (`{pod: ns/name}` or `{pod: {namespace, selector}}`). */
    from: z.union([z.string().min(1), nodeRefSchema, z.strictObject({ pod: podRefSchema })]),
    vrf: z.string().min(1).optional(),
    to: addressRefSchema,
    port: z.number().int().min(1).max(65535).default(80),
    path: z.string().startsWith('/').optional(),
    expect: z
      .strictObject({
        status: z.number().int().min(100).max(599).optional(),
        bodyContains: z.string().optional(),
        /**
         * Who the server saw as the client. The server must echo the client address (agnhost
         * netexec `/clientip` style, `ip:port`); path defaults to /clientip.
         * - a host name or `{host}`: that host's own address (no SNAT);
         * - `true`: the `from` host or pod itself;
         * - `{pod}`: that pod's address;
         * - `{node: name}` / `{node: "*"}`: an address of that node / of any cluster node (masqueraded).
         */
        clientIP: z
          .union([
            z.string().min(1),
            z.literal(true),
            z.strictObject({ host: z.string().min(1) }),
            z.strictObject({ pod: podRefSchema }),
            z.strictObject({ node: z.string().min(1) }),
          ])
          .optional(),
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
    if (p.expect?.clientIP === true && typeof p.from !== 'string' && !('host' in p.from) && !('pod' in p.from)) {
      ctx.addIssue({ code: 'custom', path: ['expect', 'clientIP'], message: 'clientIP: true needs `from` to be a host or a pod; name the client instead' });
    }
    if ('pod' in (typeof p.from === 'string' ? {} : p.from) && p.vrf !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['vrf'], message: 'a pod has no VRF: drop vrf' });
    }
  });
type HttpParams = z.infer<typeof httpParams>;

export interface HttpPlan {
  readonly target: Target;
  readonly from: string;
  readonly vrf?: string;
  readonly url: string;
  readonly isolated: boolean;
  readonly status: number;
  readonly bodyContains?: string;
  /** The address the server must have seen; or, with clientNodes, one of those nodes' addresses. */
  readonly clientIP?: string;
  /** Nodes whose addresses count as the client (masqueraded traffic); read on every attempt. */
  readonly clientNodes?: readonly string[];
  /** How the expected client is described (`hostA_red`, `pod red/web-0`, `a node`). */
  readonly clientLabel?: string;
  /** curl --connect-timeout (ms); from the defaults table. */
  readonly connectTimeoutMs?: number;
}

/** curl's --max-time is the attempt budget minus this, so curl reports a timeout (exit 28) itself. */
// Generous: on a loaded 2-core machine nsenter + curl start-up alone has taken over 300 ms.
export const CURL_MARGIN_MS = 1_000;

type FromRef = NodeRef | { readonly pod: PodRef };
type ClientRef = { readonly host: string } | { readonly pod: PodRef } | { readonly node: string };

const fromRef = (from: HttpParams['from']): FromRef => (typeof from === 'string' ? { host: from } : (from as FromRef));
const fromLabel = (ref: FromRef): string => ('pod' in ref ? describePodRef(ref.pod) : nodeRefLabel(ref));

/** The expected client as a ref: `true` is the `from` host or pod. */
function clientRef(p: HttpParams): ClientRef | undefined {
  const c = p.expect?.clientIP;
  if (c === undefined) return undefined;
  if (typeof c === 'string') return { host: c };
  if (c !== true) return c as ClientRef;
  const ref = fromRef(p.from);
  return 'host' in ref ? { host: ref.host } : 'pod' in ref ? { pod: ref.pod } : undefined;
}

function clientRefLabel(c: ClientRef): string {
  if ('host' in c) return c.host;
  if ('pod' in c) return describePodRef(c.pod);
  return c.node === '*' ? 'a cluster node (masqueraded)' : `node ${c.node} (masqueraded)`;
}

/** The observation: curl's outcome, and the addresses of the nodes that count as the client. */
type HttpOutcome = CurlOutcome & { readonly nodeAddresses?: readonly string[] };

/** IPv4 addresses in `ip -4 -j addr show` output, loopback aside. */
export function addressesOf(ipJson: string): string[] {
  const links = JSON.parse(ipJson || '[]') as { ifname?: string; addr_info?: { family?: string; local?: string }[] }[];
  return links.filter((l) => l.ifname !== 'lo').flatMap((l) => (l.addr_info ?? []).filter((a) => a.family === 'inet' && a.local).map((a) => a.local!));
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

function expectedText(p: { from: string; vrf?: string | undefined; url: string; isolated: boolean; status?: number | undefined; bodyContains?: string | undefined; clientLabel?: string | undefined }): string {
  if (p.isolated) return `${p.from}${inVrf(p.vrf)} gets no answer from ${p.url} (connect fails or times out)`;
  const what = parts(`HTTP ${p.status ?? 200}`, p.bodyContains !== undefined && `body containing ${JSON.stringify(p.bodyContains)}`, p.clientLabel !== undefined && `server sees client ${p.clientLabel}`);
  return `${p.from}${inVrf(p.vrf)} gets ${what} from ${p.url}`;
}

function condense(o: CurlOutcome): Record<string, unknown> {
  if (o.kind !== 'reached') return { outcome: o.kind, curlExit: o.exitCode, ...(o.error ? { error: o.error } : {}) };
  return { outcome: 'reached', status: o.status, ...(o.remoteIp ? { remoteIp: o.remoteIp } : {}), body: brief(o.body.trim(), 120) };
}

export function evaluateHttp(plan: HttpPlan, o: HttpOutcome): Evaluation {
  const expected = expectedText({ ...plan, clientLabel: plan.clientLabel ?? plan.clientIP });
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
  if (plan.clientNodes !== undefined) {
    const seen = echoedClientIP(o.body);
    const nodeAddresses = o.nodeAddresses ?? [];
    if (seen === undefined || !nodeAddresses.includes(seen)) {
      return {
        ok: false, expected, observed: { ...observed, clientIP: seen ?? null, nodeAddresses },
        message: `server saw client ${seen ?? '(no address in body)'}, expected ${plan.clientLabel ?? 'a node'} (one of ${nodeAddresses.join(', ') || 'no address'})`,
      };
    }
    return { ok: true, expected, observed: { ...observed, clientIP: seen }, message: `HTTP ${o.status}, client ${seen} (a node address)` };
  }
  if (plan.clientIP !== undefined) {
    const seen = echoedClientIP(o.body);
    if (seen !== plan.clientIP) {
      const who = plan.clientLabel && plan.clientLabel !== plan.clientIP ? `${plan.clientIP} (${plan.clientLabel})` : plan.clientIP;
      return { ok: false, expected, observed: { ...observed, clientIP: seen ?? null }, message: `server saw client ${seen ?? '(no address in body)'}, expected ${who}` };
    }
    return { ok: true, expected, observed: { ...observed, clientIP: seen }, message: `HTTP ${o.status}, client ${seen}` };
  }
  return { ok: true, expected, observed, message: `HTTP ${o.status}` };
}

export const http: CheckKind<HttpParams, HttpPlan, HttpOutcome> = {
  kind: 'http',
  params: httpParams,
  defaultMode: (p) => (p.isolated === true ? 'consistently' : 'eventually'),
  negative: (p) => p.isolated === true,
  defaults(p) {
    const row = p.isolated === true ? CHECK_DEFAULTS['http-isolation'] : CHECK_DEFAULTS.http;
    return p.maxTime === undefined ? row : { ...row, attemptTimeoutMs: p.maxTime + CURL_MARGIN_MS };
  },
  describe(p) {
    const client = clientRef(p);
    const path = p.path ?? (client !== undefined ? '/clientip' : '/');
    return expectedText({
      from: fromLabel(fromRef(p.from)),
      vrf: p.vrf,
      url: `${describeRef(p.to)}:${p.port}${path}`,
      isolated: p.isolated === true,
      status: p.expect?.status,
      bodyContains: p.expect?.bodyContains,
      clientLabel: client && clientRefLabel(client),
    });
  },
  plan(p, resolver: Resolver) {
    const ref = fromRef(p.from);
    const client = clientRef(p);
    const source = 'pod' in ref ? resolver.pod(ref.pod) : undefined;
    const isolated = p.isolated === true;
    const connectTimeoutMs = (isolated ? CHECK_DEFAULTS['http-isolation'] : CHECK_DEFAULTS.http).connectTimeoutMs;
    return {
      target: source ? source.target : resolver.target(ref as NodeRef),
      from: source ? `pod ${source.label}` : nodeRefLabel(ref as NodeRef),
      ...(p.vrf !== undefined ? { vrf: p.vrf } : {}),
      url: httpUrl(resolveAddress(resolver, p.to as AddressRef), p.port, p.path ?? (client !== undefined ? '/clientip' : '/')),
      isolated,
      status: p.expect?.status ?? 200,
      ...(p.expect?.bodyContains !== undefined ? { bodyContains: p.expect.bodyContains } : {}),
      ...(client !== undefined ? planClient(client, resolver) : {}),
      connectTimeoutMs,
    };
  },
  async probe(plan, env: ProbeEnv) {
    // curl gives up on its own a little before the attempt's budget, so a timeout is classified
    // (exit 28) instead of being cut off by the poller.
    const maxTimeMs = Math.max(100, env.budgetMs - CURL_MARGIN_MS);
    // An isolation hold's attempts share one curl (src/checks/curl-series.ts) where the runtime can
    // stream a command's output; elsewhere (kind) each attempt is its own curl.
    const { runtime, scope, hold } = env;
    if (plan.isolated && scope !== undefined && hold !== undefined && canStream(runtime)) {
      const series = scope.reuse('http-isolation-series', () => new CurlSeries(runtime));
      return series.next(plan, { intervalMs: hold.intervalMs, maxTimeMs }, hold.endsInMs, env.signal);
    }
    const r = await env.runtime.exec(plan.target, curlArgv({
      url: plan.url,
      maxTimeS: maxTimeMs / 1000,
      ...(plan.connectTimeoutMs !== undefined ? { connectTimeoutS: plan.connectTimeoutMs / 1000 } : {}),
    }), {
      ...(plan.vrf !== undefined && plan.vrf !== 'default' ? { vrf: plan.vrf } : {}),
      timeoutMs: env.budgetMs + 1_000,
    });
    const outcome = parseCurl(r);
    if (!plan.clientNodes || outcome.kind !== 'reached') return outcome;
    // A node's addresses, as the node itself lists them (its host network: the speaker target).
    const lists = await Promise.all(plan.clientNodes.map((node) => env.runtime.exec({ kind: 'speaker', node }, ['ip', '-4', '-j', 'addr', 'show'], { timeoutMs: 5_000 })));
    return { ...outcome, nodeAddresses: lists.flatMap((l) => (l.exitCode === 0 ? addressesOf(l.stdout) : [])) };
  },
  evaluate: evaluateHttp,
};

function planClient(c: ClientRef, resolver: Resolver): Pick<HttpPlan, 'clientIP' | 'clientNodes' | 'clientLabel'> {
  if ('host' in c) return { clientIP: resolver.hostAddress(c.host), clientLabel: c.host };
  if ('pod' in c) {
    const pod = resolver.pod(c.pod);
    return { clientIP: pod.ip, clientLabel: `pod ${pod.label}` };
  }
  const nodes = resolver.clusterNodes();
  if (c.node !== '*' && !nodes.includes(c.node)) throw new Error(`expect.clientIP.node: no cluster node "${c.node}" (nodes: ${nodes.join(', ') || 'none'}; "*" means any)`);
  return { clientNodes: c.node === '*' ? nodes : [c.node], clientLabel: clientRefLabel(c) };
}
