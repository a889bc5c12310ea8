// Real responses of the CMS and real webhook deliveries, recorded by the stack tests, and a
// fetch that answers from them.
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const packageRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const recordedDir = resolve(packageRoot, process.env.CMS_RECORDED ?? "test/recorded");

/** One request to the CMS and its answer, as recorded (header names in lowercase). */
export interface HttpRecording {
  request: { method: string; path: string; headers: Record<string, string> };
  status: number;
  headers: Record<string, string>;
  /** The parsed JSON body; null when there was none (a 304). */
  body: unknown;
}

/** One webhook delivery as the CMS sent it, and the endpoint's secret. */
export interface WebhookRecording {
  secret: string;
  headers: Record<string, string>;
  /** The raw body, byte for byte as signed. */
  body: string;
}

export function httpRecording(name: string): HttpRecording {
  return JSON.parse(readFileSync(join(recordedDir, `${name}.json`), "utf8")) as HttpRecording;
}

export function webhookRecording(type: string): WebhookRecording {
  return JSON.parse(
    readFileSync(join(recordedDir, `webhook.${type}.json`), "utf8"),
  ) as WebhookRecording;
}

/** The names of the recorded HTTP exchanges (files not starting with `webhook.`). */
export function httpRecordingNames(): string[] {
  return readdirSync(recordedDir)
    .filter((file) => file.endsWith(".json") && !file.startsWith("webhook."))
    .map((file) => file.replace(/\.json$/, ""));
}

/** The webhook's timestamp, in milliseconds: the time to set the clock to for its signature
 * to be fresh. */
export function signedAt(recording: WebhookRecording): number {
  return Number(recording.headers["webhook-timestamp"]) * 1000;
}

export interface SentRequest {
  url: URL;
  init: RequestInit & { next?: unknown };
  headers: Headers;
}

/**
 * A fetch that answers each request with the recording whose request it matches: the same
 * method, path and query (in any order and encoding), and every header the recording's
 * request carried (so a conditional request finds the 304 it led to). Unmatched requests
 * fail the test.
 */
export function recordedFetch(names: string[] = httpRecordingNames()) {
  const recordings = names.map(httpRecording);
  const sent: SentRequest[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : input);
    const headers = new Headers(init.headers);
    const method = init.method ?? "GET";
    sent.push({ url, init, headers });
    const candidates = recordings.filter((recording) => {
      const recorded = new URL(recording.request.path, url);
      return (
        recording.request.method === method &&
        recorded.pathname === url.pathname &&
        sameQuery(recorded.searchParams, url.searchParams) &&
        Object.entries(recording.request.headers).every(
          ([name, value]) => headers.get(name) === value,
        )
      );
    });
    // The most specific: a conditional request's recording over the plain one.
    const recording = candidates.sort(
      (a, b) => Object.keys(b.request.headers).length - Object.keys(a.request.headers).length,
    )[0];
    if (!recording) throw new Error(`No recording of ${method} ${url.pathname}${url.search}`);
    // The body is serialised anew: the recorded length no longer holds.
    const { "content-length": _length, ...headersToReplay } = recording.headers;
    return new Response(recording.body === null ? null : JSON.stringify(recording.body), {
      status: recording.status,
      headers: headersToReplay,
    });
  };
  return { fetch, sent };
}

function sameQuery(a: URLSearchParams, b: URLSearchParams): boolean {
  const sorted = (params: URLSearchParams) => JSON.stringify([...params].sort());
  return sorted(a) === sorted(b);
}

/** The base URL the recordings are replayed under (any: only paths are compared). */
export const baseUrl = "http://cms.test";
