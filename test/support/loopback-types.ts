// Shapes shared by the loopback server (Node) and its test-side client (workerd).

export interface ScriptedResponse {
  status?: number
  headers?: Record<string, string>
  body?: string
  /** Body as base64, for bytes that are not UTF-8 (other encodings, binary). */
  bodyBase64?: string
  /** Answer 304 when the request's If-None-Match equals this ETag (the ETag is also sent). */
  etag?: string
  /** Answer 304 when the request's If-Modified-Since equals this value (also sent as Last-Modified). */
  lastModified?: string
  /** Wait this long before answering (timeouts). */
  delayMs?: number
  /** Compress the body and set Content-Encoding. */
  encoding?: 'gzip' | 'deflate'
}

export interface RecordedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
  at: number
}

declare module 'vitest' {
  export interface ProvidedContext {
    loopbackUrl: string
  }
}
