// The benchmark's probes run in a worker thread with its own event loop. pelab runs in the main
// thread and blocks it for every process it spawns (fork of a large process takes milliseconds),
// so a poller sharing that loop would see sessions and routes late while pelab is busy (during
// apply, for instance). Times cross threads as absolute high-resolution timestamps.
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { curlUntilOk, hasType5, pollUntil, waitAllEstablished, type EstablishedResult, type RouterProbe } from './probes.ts';
import { createQuerier, type QueryMode, type Querier } from './vty.ts';

/** performance.now() of this thread as an absolute timestamp (ms), comparable across threads. */
export function absoluteNow(): number {
  return performance.timeOrigin + performance.now();
}

interface Common {
  readonly id: number;
  /** absoluteNow() of the moment times are measured from. */
  readonly t0: number;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly mode: QueryMode;
}

type Request =
  | (Common & { readonly kind: 'established'; readonly probes: readonly RouterProbe[] })
  | (Common & {
      readonly kind: 'route-then-curl';
      readonly pathspace: string;
      readonly prefix: string;
      readonly ns: string;
      readonly url: string;
      readonly bodyContains: string;
    });

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export interface RouteThenCurl {
  /** ms from t0 to the poll that saw the route. */
  readonly routeMs: number;
  /** ms from t0 to the curl loop's first good answer. */
  readonly curlMs: number;
}

function workerMain(): void {
  const queriers = new Map<QueryMode, Querier>();
  const querier = (mode: QueryMode): Querier => {
    let q = queriers.get(mode);
    if (!q) queriers.set(mode, (q = createQuerier(mode)));
    return q;
  };
  const running = new Map<number, AbortController>();
  parentPort!.on('message', (req: Request | { kind: 'close' } | { kind: 'cancel'; id: number }) => {
    if (req.kind === 'close') {
      for (const a of running.values()) a.abort();
      for (const q of queriers.values()) q.close();
      parentPort!.close();
      return;
    }
    if (req.kind === 'cancel') {
      running.get(req.id)?.abort();
      return;
    }
    const abort = new AbortController();
    running.set(req.id, abort);
    const o = { t0: req.t0 - performance.timeOrigin, intervalMs: req.intervalMs, timeoutMs: req.timeoutMs, signal: abort.signal };
    const work = async (): Promise<unknown> => {
      if (req.kind === 'established') return waitAllEstablished(querier(req.mode), req.probes, o);
      const routeMs = await pollUntil(() => hasType5(querier(req.mode), req.pathspace, req.prefix), `type-5 ${req.prefix}`, o);
      // curl cannot succeed before the leaf has the route: the loop starts when it is there.
      const curl = curlUntilOk(req.ns, req.url, req.bodyContains, req.timeoutMs);
      abort.signal.addEventListener('abort', curl.cancel, { once: true });
      // The loop's own clock (date +%s%N) and absolute timestamps are both Unix-epoch milliseconds.
      const curlMs = Math.round((await curl.done) - req.t0);
      return { routeMs, curlMs } satisfies RouteThenCurl;
    };
    work()
      .then(
        (value) => parentPort!.postMessage({ id: req.id, ok: true, value } satisfies Reply),
        (e: unknown) => parentPort!.postMessage({ id: req.id, ok: false, error: e instanceof Error ? e.message : String(e) } satisfies Reply),
      )
      .finally(() => running.delete(req.id));
  });
}

export interface Pending<T> {
  readonly done: Promise<T>;
  /** Stops the probe (a no-op once it has settled). */
  cancel(): void;
}

export class ProbeWorker {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL(import.meta.url));
    this.worker.on('message', (r: Reply) => {
      const w = this.waiting.get(r.id);
      this.waiting.delete(r.id);
      if (r.ok) w?.resolve(r.value);
      else w?.reject(new Error(r.error));
    });
    this.worker.on('error', (e) => {
      for (const w of this.waiting.values()) w.reject(e);
      this.waiting.clear();
    });
  }

  private request<T>(req: WithoutId<Request>): Pending<T> {
    const id = this.next++;
    const done = new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id });
    });
    return { done, cancel: () => this.waiting.has(id) && this.worker.postMessage({ kind: 'cancel', id }) };
  }

  established(probes: readonly RouterProbe[], o: { t0: number; intervalMs: number; timeoutMs: number; mode?: QueryMode }): Pending<EstablishedResult> {
    return this.request({ kind: 'established', probes, t0: o.t0, intervalMs: o.intervalMs, timeoutMs: o.timeoutMs, mode: o.mode ?? 'socket' });
  }

  /** A type-5 route for `prefix` on the router, then the first good answer of a curl loop in `ns`. */
  routeThenCurl(
    target: { pathspace: string; prefix: string; ns: string; url: string; bodyContains: string },
    o: { t0: number; intervalMs: number; timeoutMs: number; mode?: QueryMode },
  ): Pending<RouteThenCurl> {
    return this.request({ kind: 'route-then-curl', ...target, t0: o.t0, intervalMs: o.intervalMs, timeoutMs: o.timeoutMs, mode: o.mode ?? 'socket' });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ kind: 'close' });
    await this.worker.terminate();
  }
}

if (!isMainThread && parentPort) workerMain();
