import assert from "node:assert/strict";
import { describe, test } from "node:test";

import {
  CmsApiError,
  createCmsClient,
  parseCacheTags,
  websiteDataTags,
  type CmsWebhookEventOf,
  type WebsiteDataEnvelope,
} from "@website-cms/client";

import { baseUrl, httpRecording, recordedFetch, webhookRecording } from "./support/recordings.js";

function recordedPayload(name: string) {
  return (httpRecording(name).body as WebsiteDataEnvelope).data;
}

describe("getWebsiteData", () => {
  for (const locale of ["en", "ar"] as const) {
    test(`returns the ${locale} payload with its ETag and cache tags`, async () => {
      const recording = httpRecording(`website-data.${locale}`);
      const { fetch } = recordedFetch();
      const cms = createCmsClient({ baseUrl, fetch });

      const result = await cms.getWebsiteData(locale);

      assert.deepEqual(result.data, recordedPayload(`website-data.${locale}`));
      assert.equal(result.data.locale, locale);
      assert.equal(result.data.direction, locale === "ar" ? "rtl" : "ltr");
      assert.equal(result.etag, recording.headers["etag"]);
      assert.deepEqual(result.cacheTags, parseCacheTags(recording.headers["cache-tag"] ?? null));
      assert.equal(result.notModified, false);
      // Every section is there when none is asked for: the type says so too.
      assert.ok(result.data.heroes.length > 0);
      assert.ok(result.data.menu.length > 0);
    });
  }

  test("asks for only the sections given, and gets only those", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const result = await cms.getWebsiteData("ar", { sections: ["menu", "heroes"] });

    assert.equal(sent[0]?.url.searchParams.get("sections"), "menu,heroes");
    assert.deepEqual(result.data, recordedPayload("website-data.ar.sections"));
    assert.deepEqual(Object.keys(result.data).sort(), [
      "direction",
      "heroes",
      "locale",
      "menu",
      "version",
    ]);
  });

  test("revalidates with If-None-Match and answers a 304 with the body it had", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });
    const first = await cms.getWebsiteData("ar");

    const second = await cms.getWebsiteData("ar");

    assert.equal(sent[0]?.headers.get("If-None-Match"), null);
    assert.equal(sent[1]?.headers.get("If-None-Match"), first.etag);
    assert.equal(second.notModified, true);
    assert.deepEqual(second.data, first.data);
    assert.equal(second.etag, first.etag);
    assert.deepEqual(second.cacheTags, first.cacheTags);
  });

  test("sends no If-None-Match when conditional requests are off", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch, conditionalRequests: false });
    await cms.getWebsiteData("ar");

    const second = await cms.getWebsiteData("ar");

    assert.equal(sent[1]?.headers.get("If-None-Match"), null);
    assert.equal(second.notModified, false);
  });

  test("passes the client's and the call's RequestInit to fetch, as Next.js reads them", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({
      baseUrl,
      fetch,
      headers: { "X-Frontend": "www" },
      requestInit: { cache: "force-cache", next: { revalidate: 3600 } },
    });

    await cms.getWebsiteData("en", { init: { next: { tags: websiteDataTags("en") } } });

    assert.equal(sent[0]?.init.cache, "force-cache");
    assert.deepEqual(sent[0]?.init.next, { revalidate: 3600, tags: websiteDataTags("en") });
    assert.equal(sent[0]?.headers.get("X-Frontend"), "www");
  });

  test("throws CmsApiError with the error envelope on a 400", async () => {
    const recording = httpRecording("website-data.error");
    const { fetch } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    // `fr` is no locale of the API's: the compiler says so, the server too.
    const failure = await cms.getWebsiteData("fr" as "en").catch((error: unknown) => error);

    assert.ok(failure instanceof CmsApiError);
    assert.equal(failure.status, 400);
    assert.deepEqual(failure.envelope, recording.body);
    assert.equal(failure.message, (recording.body as { message: string }).message);
    assert.equal(failure.requestId, (recording.body as { request_id: string }).request_id);
  });

  test("throws CmsApiError without an envelope on a body that is not one", async () => {
    const fetch = async () => new Response("<h1>Bad gateway</h1>", { status: 502 });
    const cms = createCmsClient({ baseUrl, fetch });

    const failure = await cms.getWebsiteData("en").catch((error: unknown) => error);

    assert.ok(failure instanceof CmsApiError);
    assert.equal(failure.status, 502);
    assert.equal(failure.envelope, null);
    assert.match(failure.message, /502/);
  });
});

describe("websiteDataTags", () => {
  for (const name of ["website-data.en", "website-data.ar", "website-data.ar.sections"]) {
    test(`names exactly the Cache-Tag header of ${name}`, () => {
      const recording = httpRecording(name);
      const query = new URL(recording.request.path, baseUrl).searchParams;
      const locale = query.get("locale") as "en" | "ar";
      const sections = query.get("sections")?.split(",") as ("menu" | "heroes")[] | undefined;

      const tags = websiteDataTags(locale, sections);

      const header = parseCacheTags(recording.headers["cache-tag"] ?? null);
      assert.deepEqual([...tags].sort(), [...header].sort());
      assert.equal(new Set(tags).size, tags.length);
    });
  }

  for (const type of ["content.published", "release.published", "cache.refreshed"] as const) {
    test(`names every tag a recorded ${type} event revalidates`, () => {
      const event = JSON.parse(webhookRecording(type).body) as CmsWebhookEventOf<typeof type>;

      const tags = websiteDataTags(event.data.locale as "en" | "ar", event.data.sections);

      for (const tag of event.data.tags) assert.ok(tags.includes(tag), `${tag} in ${tags}`);
    });
  }
});
