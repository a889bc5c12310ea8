import assert from "node:assert/strict";
import { describe, test } from "node:test";

import type { CmsWebhookEvent } from "@website-cms/client";
import { createWebhookRoute, revalidateFromEvent } from "@website-cms/client/next";
import { Webhook } from "standardwebhooks";

import { signedAt, webhookRecording, type WebhookRecording } from "./support/recordings.js";

function eventOf(recording: WebhookRecording): CmsWebhookEvent {
  return JSON.parse(recording.body) as CmsWebhookEvent;
}

function deliveryOf(recording: WebhookRecording, body = recording.body): Request {
  return new Request("http://frontend.test/api/cms-webhook", {
    method: "POST",
    headers: recording.headers,
    body,
  });
}

describe("revalidateFromEvent", () => {
  for (const type of ["content.published", "release.published", "cache.refreshed"] as const) {
    test(`revalidates the tags a ${type} event names`, () => {
      const event = eventOf(webhookRecording(type));
      const revalidated: string[] = [];

      const tags = revalidateFromEvent(event, (tag) => revalidated.push(tag));

      assert.ok("tags" in event.data);
      assert.deepEqual(tags, event.data.tags);
      assert.deepEqual(revalidated, event.data.tags);
      assert.ok(tags.length > 0);
    });
  }

  test("revalidates nothing for a ping", () => {
    const revalidated: string[] = [];

    const tags = revalidateFromEvent(eventOf(webhookRecording("ping")), (tag) =>
      revalidated.push(tag),
    );

    assert.deepEqual(tags, []);
    assert.deepEqual(revalidated, []);
  });
});

describe("createWebhookRoute", () => {
  test("revalidates the event's tags and answers 200 with them", async (t) => {
    const recording = webhookRecording("content.published");
    t.mock.timers.enable({ apis: ["Date"], now: signedAt(recording) });
    const revalidated: string[] = [];
    const POST = createWebhookRoute({
      secret: recording.secret,
      revalidate: (tag) => revalidated.push(tag),
    });

    const response = await POST(deliveryOf(recording));

    const expected = (eventOf(recording).data as { tags: string[] }).tags;
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { revalidated: expected });
    assert.deepEqual(revalidated, expected);
  });

  test("answers 401 and revalidates nothing when the signature does not hold", async (t) => {
    const recording = webhookRecording("content.published");
    t.mock.timers.enable({ apis: ["Date"], now: signedAt(recording) });
    const revalidated: string[] = [];
    const POST = createWebhookRoute({
      secret: recording.secret,
      revalidate: (tag) => revalidated.push(tag),
    });

    const response = await POST(deliveryOf(recording, recording.body.replace("cms-", "cms-x-")));

    assert.equal(response.status, 401);
    assert.match(((await response.json()) as { error: string }).error, /signature/);
    assert.deepEqual(revalidated, []);
  });

  test("acknowledges a genuine event of an unknown kind, so the CMS does not retry it", async (t) => {
    const recording = webhookRecording("ping");
    t.mock.timers.enable({ apis: ["Date"], now: signedAt(recording) });
    const body = JSON.stringify({ type: "content.archived", timestamp: "", data: { tags: ["cms"] } });
    const id = recording.headers["webhook-id"] ?? "";
    const signature = new Webhook(recording.secret).sign(id, new Date(signedAt(recording)), body);
    const revalidated: string[] = [];
    const POST = createWebhookRoute({
      secret: recording.secret,
      revalidate: (tag) => revalidated.push(tag),
    });

    const response = await POST(
      deliveryOf({ ...recording, headers: { ...recording.headers, "webhook-signature": signature } }, body),
    );

    assert.equal(response.status, 200);
    assert.deepEqual(((await response.json()) as { revalidated: string[] }).revalidated, []);
    assert.deepEqual(revalidated, []);
  });

  test("answers 500 and revalidates nothing without a secret (the CMS retries)", async () => {
    const recording = webhookRecording("content.published");
    const revalidated: string[] = [];
    const POST = createWebhookRoute({
      secret: undefined,
      revalidate: (tag) => revalidated.push(tag),
    });

    const response = await POST(deliveryOf(recording));

    assert.equal(response.status, 500);
    assert.deepEqual(revalidated, []);
  });
});
