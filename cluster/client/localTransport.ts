// The transport between the cluster's own components and an API server in the same process: the request
// a client would send (method, path, headers, body) goes to the server's request handler, and the answer
// comes back with the same status, without TLS, sockets or HTTP framing. Authentication, admission and
// everything else the handler does stay as they are for any client. A client that takes objects gets JSON
// answers and watch events as the server's own read-only (deep-frozen) objects instead of text to parse
// again, as client-go's informers share read-only objects: it copies before changing one.

export interface LocalRequest {
  method: string;
  /** path and query, as in an HTTP request line */
  url: string;
  /** lower-case names, as Node's IncomingMessage has them */
  headers: Record<string, string>;
  body?: string;
  /**
   * A JSON body as the value JSON.parse would give for its text, instead of body: the server takes it
   * over (the client keeps no reference to it).
   */
  bodyValue?: unknown;
}

/** Where the server's answer goes, piece by piece (a watch or a followed log sends many pieces). */
export interface LocalResponseSink {
  head(status: number): void;
  data(chunk: string): void;
  /**
   * When present, a JSON answer comes as one call with the deep-frozen value (instead of data), and each
   * watch event as one call with { type, object }, object deep-frozen.
   */
  object?(value: any): void;
  end(): void;
}

export interface LocalApiServer {
  /** Serves one request; close() is the client going away (ends a watch). */
  exchange(req: LocalRequest, sink: LocalResponseSink): { close(): void };
}
