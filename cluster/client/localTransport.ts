// The transport between the cluster's own components and an API server in the same process: the request
// a client would send (method, path, headers, body) goes to the server's request handler, and the answer
// comes back as the same status and body text, without TLS, sockets or HTTP framing. Authentication,
// admission and everything else the handler does stay as they are for any client.

export interface LocalRequest {
  method: string;
  /** path and query, as in an HTTP request line */
  url: string;
  /** lower-case names, as Node's IncomingMessage has them */
  headers: Record<string, string>;
  body?: string;
}

/** Where the server's answer goes, piece by piece (a watch or a followed log sends many pieces). */
export interface LocalResponseSink {
  head(status: number): void;
  data(chunk: string): void;
  end(): void;
}

export interface LocalApiServer {
  /** Serves one request; close() is the client going away (ends a watch). */
  exchange(req: LocalRequest, sink: LocalResponseSink): { close(): void };
}
