// What an emulated host's or cluster node's HTTP endpoint serves (see endpoint-server.mjs).

export interface EndpointConfig {
  /** Host name, or cluster node name. */
  readonly identity: string;
  readonly ports: readonly number[];
  /** Service IP -> the Service it stands for (cluster nodes only). */
  readonly services: Readonly<Record<string, { namespace: string; name: string; image?: string }>>;
}
