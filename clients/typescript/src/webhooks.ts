import {
  Webhook,
  WebhookVerificationError as StandardWebhooksError,
} from "standardwebhooks";

import type { CmsWebhookEvent, CmsWebhookEventType } from "./types.js";

/** The `whsec_…` secret of the CMS's webhook endpoint, or several during a rotation: an array,
 * or one string with the secrets separated by commas (a secret, base64, has none). */
export type WebhookSecret = string | readonly string[];

/** A delivery as a server framework hands it over: the raw body, exactly as received (not
 * re-serialised JSON: the signature covers the bytes), and the headers. */
export interface WebhookDelivery {
  body: string;
  headers: Record<string, string> | Headers;
}

/** The delivery is not from the CMS: a signature that matches none of the secrets, a missing
 * `webhook-*` header, or a timestamp more than five minutes off (a replay). Answer 401. */
export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
}

/** The delivery is genuine but its event is of a kind this version of the client does not
 * know (a newer CMS): acknowledge it, or the CMS retries it for a day. */
export class UnknownWebhookEventError extends Error {
  override readonly name = "UnknownWebhookEventError";
  /** The event's body, parsed. */
  readonly body: unknown;

  constructor(body: unknown) {
    const type = (body as { type?: unknown } | null)?.type;
    super(`Unknown webhook event type: ${JSON.stringify(type)}`);
    this.body = body;
  }
}

/** The kinds the document names; the compiler holds the list to it both ways. */
const EVENT_TYPES = [
  "content.published",
  "release.published",
  "cache.refreshed",
  "ping",
] as const satisfies readonly CmsWebhookEventType[];
type MissingEventType = Exclude<CmsWebhookEventType, (typeof EVENT_TYPES)[number]>;
const noEventTypeMissing: [MissingEventType] extends [never] ? true : MissingEventType = true;

/**
 * Checks a webhook delivery's Standard Webhooks signature (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`) against the secret(s), and returns its event, typed by its `type`.
 *
 * Throws `WebhookVerificationError` when the delivery is not the CMS's, and
 * `UnknownWebhookEventError` for a genuine event of a kind this client does not know.
 */
export async function verifyWebhook(
  delivery: Request | WebhookDelivery,
  secret: WebhookSecret,
): Promise<CmsWebhookEvent> {
  const webhooks = verifiers(secret);
  const body = delivery instanceof Request ? await delivery.text() : delivery.body;
  const headers =
    delivery.headers instanceof Headers
      ? Object.fromEntries(delivery.headers.entries())
      : delivery.headers;
  const event = verified(webhooks, body, headers);
  if (!isKnownEvent(event)) throw new UnknownWebhookEventError(event);
  return event;
}

function verifiers(secret: WebhookSecret): Webhook[] {
  const secrets = (typeof secret === "string" ? secret.split(",") : secret)
    .map((value) => value.trim())
    .filter(Boolean);
  if (!secrets.length) throw new Error("No webhook secret was given (whsec_…).");
  return secrets.map((value) => new Webhook(value));
}

function verified(webhooks: Webhook[], body: string, headers: Record<string, string>): unknown {
  let refusal: unknown;
  for (const webhook of webhooks) {
    try {
      return webhook.verify(body, headers);
    } catch (error) {
      if (!(error instanceof StandardWebhooksError)) throw error;
      refusal = error;
    }
  }
  const reason = refusal instanceof Error ? refusal.message : "No matching signature found";
  throw new WebhookVerificationError(reason, { cause: refusal });
}

function isKnownEvent(body: unknown): body is CmsWebhookEvent {
  const type = (body as { type?: unknown } | null)?.type;
  return (EVENT_TYPES as readonly unknown[]).includes(type);
}
