import assert from "node:assert/strict";
import { describe, test, type TestContext } from "node:test";

import {
  UnknownWebhookEventError,
  WebhookVerificationError,
  verifyWebhook,
  type CmsWebhookEventType,
} from "@website-cms/client";
import { Webhook } from "standardwebhooks";

import { signedAt, webhookRecording, type WebhookRecording } from "./support/recordings.js";

const eventTypes: CmsWebhookEventType[] = [
  "content.published",
  "release.published",
  "cache.refreshed",
  "ping",
];
const otherSecret = "whsec_" + Buffer.from("not the endpoint's secret, 32 b!").toString("base64");

/** Sets the clock to when the delivery was signed (the recordings are older than the five
 * minutes a signature is good for). */
function atDelivery(t: TestContext, recording: WebhookRecording, laterByMs = 0): void {
  t.mock.timers.enable({ apis: ["Date"], now: signedAt(recording) + laterByMs });
}

describe("verifyWebhook", () => {
  for (const type of eventTypes) {
    test(`returns the ${type} event of a genuine delivery`, async (t) => {
      const recording = webhookRecording(type);
      atDelivery(t, recording);

      const event = await verifyWebhook(
        { body: recording.body, headers: recording.headers },
        recording.secret,
      );

      assert.equal(event.type, type);
      assert.deepEqual(event, JSON.parse(recording.body));
    });
  }

  test("reads a Request as a route handler gets it", async (t) => {
    const recording = webhookRecording("content.published");
    atDelivery(t, recording);
    const request = new Request("http://frontend.test/api/cms-webhook", {
      method: "POST",
      headers: recording.headers,
      body: recording.body,
    });

    const event = await verifyWebhook(request, recording.secret);

    assert.equal(event.type, "content.published");
  });

  test("accepts any of several secrets, during a rotation", async (t) => {
    const recording = webhookRecording("ping");
    atDelivery(t, recording);
    const delivery = { body: recording.body, headers: recording.headers };

    assert.equal((await verifyWebhook(delivery, [otherSecret, recording.secret])).type, "ping");
    assert.equal((await verifyWebhook(delivery, `${otherSecret},${recording.secret}`)).type, "ping");
  });

  test("refuses a tampered body", async (t) => {
    const recording = webhookRecording("content.published");
    atDelivery(t, recording);
    const tampered = recording.body.replace('"cms-', '"cms-x-');
    assert.notEqual(tampered, recording.body);

    await assert.rejects(
      verifyWebhook({ body: tampered, headers: recording.headers }, recording.secret),
      WebhookVerificationError,
    );
  });

  test("refuses a delivery signed with another secret", async (t) => {
    const recording = webhookRecording("content.published");
    atDelivery(t, recording);

    await assert.rejects(
      verifyWebhook({ body: recording.body, headers: recording.headers }, otherSecret),
      WebhookVerificationError,
    );
  });

  test("refuses a delivery signed more than five minutes ago (a replay)", async (t) => {
    const recording = webhookRecording("content.published");
    atDelivery(t, recording, 5 * 60 * 1000 + 1000);

    await assert.rejects(
      verifyWebhook({ body: recording.body, headers: recording.headers }, recording.secret),
      { name: "WebhookVerificationError", message: /too old/ },
    );
  });

  test("refuses a delivery without its signature", async (t) => {
    const recording = webhookRecording("ping");
    atDelivery(t, recording);
    const { "webhook-signature": _signature, ...headers } = recording.headers;

    await assert.rejects(
      verifyWebhook({ body: recording.body, headers }, recording.secret),
      WebhookVerificationError,
    );
  });

  test("reports a genuine event of an unknown kind apart", async (t) => {
    const recording = webhookRecording("ping");
    atDelivery(t, recording);
    const body = JSON.stringify({ type: "content.archived", timestamp: "", data: {} });
    const signature = new Webhook(recording.secret).sign(
      recording.headers["webhook-id"] ?? "",
      new Date(signedAt(recording)),
      body,
    );

    await assert.rejects(
      verifyWebhook(
        { body, headers: { ...recording.headers, "webhook-signature": signature } },
        recording.secret,
      ),
      UnknownWebhookEventError,
    );
  });
});
