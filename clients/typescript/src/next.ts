// Next.js glue, without importing Next.js: the app hands over its own `revalidateTag`.
import type { CmsWebhookEvent } from "./types.js";
import {
  UnknownWebhookEventError,
  WebhookVerificationError,
  verifyWebhook,
  type WebhookSecret,
} from "./webhooks.js";

/** Drops what is cached under a tag, e.g. `(tag) => revalidateTag(tag, { expire: 0 })`. */
export type Revalidate = (tag: string) => void;

/**
 * Revalidates the cache tags an event names, and returns them: a content change, a release or
 * a cache refresh carries `data.tags` (e.g. `["cms-ar", "cms-ar-heroes"]`); a ping, none.
 * Revalidating is idempotent, so an event delivered twice (webhooks come at least once) needs
 * no bookkeeping of `webhook-id`s.
 */
export function revalidateFromEvent(event: CmsWebhookEvent, revalidate: Revalidate): string[] {
  const tags = tagsOf(event);
  for (const tag of tags) revalidate(tag);
  return tags;
}

function tagsOf(event: CmsWebhookEvent): string[] {
  switch (event.type) {
    case "content.published":
    case "release.published":
    case "cache.refreshed":
      return [...new Set(event.data.tags)];
    case "ping":
      return [];
    default: {
      // Fails to compile when the document adds an event kind: decide what it revalidates.
      const unhandled: never = event;
      return unhandled;
    }
  }
}

export interface WebhookRouteOptions {
  /** The endpoint's `whsec_…` secret (several, comma-separated or an array, during a
   * rotation). Unset, every delivery is answered 500, and the CMS retries it. */
  secret: WebhookSecret | undefined;
  revalidate: Revalidate;
}

/**
 * An App Router route handler for the CMS's webhooks (`export const POST = …`): 401 with
 * `{error}` and nothing revalidated when the signature does not hold, else 200 with
 * `{revalidated: [tags]}`.
 */
export function createWebhookRoute({
  secret,
  revalidate,
}: WebhookRouteOptions): (request: Request) => Promise<Response> {
  return async (request) => {
    // Read per request, not when the route is built: `next build` loads the route without
    // the secret.
    if (!secret || !secret.length) {
      return Response.json({ error: "No webhook secret is configured." }, { status: 500 });
    }
    try {
      const event = await verifyWebhook(request, secret);
      return Response.json({ revalidated: revalidateFromEvent(event, revalidate) });
    } catch (error) {
      if (error instanceof WebhookVerificationError) {
        return Response.json({ error: error.message }, { status: 401 });
      }
      if (error instanceof UnknownWebhookEventError) {
        return Response.json({ revalidated: [], ignored: error.message });
      }
      throw error;
    }
  };
}
