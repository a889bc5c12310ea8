import type { ErrorEnvelope } from "./types.js";

/** The CMS answered with an error status (any but 2xx and an expected 304). */
export class CmsApiError extends Error {
  override readonly name = "CmsApiError";
  /** The HTTP status, e.g. 400. */
  readonly status: number;
  /** The JSON error envelope the CMS answered with; null when the body was something else
   * (a proxy's own error page, say). */
  readonly envelope: ErrorEnvelope | null;
  /** The URL that was asked for. */
  readonly url: string;

  constructor(status: number, body: unknown, url: string) {
    const envelope = isErrorEnvelope(body) ? body : null;
    super(envelope?.message ?? `The CMS answered ${status} to ${url}`);
    this.status = status;
    this.envelope = envelope;
    this.url = url;
  }

  /** The id of the request in the CMS's logs (X-Request-ID), to quote in a bug report. */
  get requestId(): string | null {
    return this.envelope?.request_id ?? null;
  }
}

function isErrorEnvelope(body: unknown): body is ErrorEnvelope {
  return (
    typeof body === "object" &&
    body !== null &&
    (body as Partial<ErrorEnvelope>).status === "error" &&
    typeof (body as Partial<ErrorEnvelope>).message === "string"
  );
}
