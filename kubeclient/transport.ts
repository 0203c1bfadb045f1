// How a client's requests reach an API server: over HTTPS (httpsTransport.ts) or, in the same process,
// through the server's request handler (localTransport.ts). ApiClient speaks only to this interface.

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
export type WatchEventHandler = (type: WatchEventType, object: any) => void;

export interface Request {
  method: string;
  /** path and query */
  path: string;
  body?: unknown;
  contentType: string;
  accept: string;
}

export interface WatchHandle {
  stop(): void;
}

export interface RawStream {
  /** ends the request; `done` then resolves */
  stop(): void;
  /** resolves when the server ends the response or stop() is called; rejects with a KubeApiError */
  done: Promise<void>;
}

export interface Transport {
  /** the API server's URL, for messages */
  readonly server: string;
  /** Resolves with the answer (parsed JSON, or text), rejects with a KubeApiError. */
  request(req: Request): Promise<any>;
  /**
   * Streams the watch events of pathAndQuery until stop() or the server ends it; onEnd says why it ended
   * (no error: a clean end). A handler that throws ends the watch with that error.
   */
  watch(pathAndQuery: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): WatchHandle;
  /** A GET of plain text (pods/log) handed over chunk by chunk as it arrives. */
  stream(pathAndQuery: string, onText: (text: string) => void): RawStream;
  close(): void;
}
