// A Kubernetes object as pelab handles it: the parsed document plus where it came from, so that
// every validation message can name the file and line.

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ManifestSource {
  readonly file: string;
  /** 0-based index of the document in a multi-document file. */
  readonly document: number;
  /** 1-based line where the document starts. */
  readonly line: number;
}

export interface Manifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly spec?: Record<string, unknown>;
  /** The whole document as parsed (spec, data, etc.), for kinds that keep more than spec. */
  readonly body: Record<string, unknown>;
  readonly source: ManifestSource;
}

/** `Kind/namespace/name` (namespace omitted for cluster-scoped objects). */
export function manifestKey(m: Pick<Manifest, 'kind' | 'metadata'>): string {
  return m.metadata.namespace ? `${m.kind}/${m.metadata.namespace}/${m.metadata.name}` : `${m.kind}/${m.metadata.name}`;
}
