// What the lab's HTTP server (endpoint-server.py) answers for: one listener per namespace.

export interface Listener {
  /** The network namespace the sockets are created in. */
  readonly ns: string;
  readonly ports: readonly number[];
  /**
   * `agnhost-netexec`: agnhost's netexec endpoints (/clientip, /hostname, /echo?msg=, /healthz, / = "NOW: ...");
   * the fabric hosts and node host sides run it, as upstream's host containers do.
   * `generic`: pelab's stand-in for an image it does not emulate.
   */
  readonly kind: 'agnhost-netexec' | 'generic';
  /** What /hostname answers: the host, node or pod name. */
  readonly identity: string;
  readonly image?: string;
}

export interface EndpointConfig {
  readonly listeners: readonly Listener[];
}
