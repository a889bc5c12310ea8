import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { createCmsClient, type WebsiteDataEnvelope } from "@website-cms/client";

import { baseUrl, httpRecording, recordedFetch } from "./support/recordings.js";

describe("getPreview", () => {
  const recording = httpRecording("preview.ar");
  const token = new URL(recording.request.path, baseUrl).searchParams.get("preview") ?? "";

  test("returns the website data with the token's draft applied", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const preview = await cms.getPreview(token, { locale: "ar" });

    assert.equal(sent[0]?.url.searchParams.get("preview"), token);
    assert.deepEqual(preview.data, (recording.body as WebsiteDataEnvelope).data);
    assert.equal(preview.data.locale, "ar");
    assert.equal(typeof preview.data.preview.revision, "number");
  });

  test("is never cached, whatever the client's requestInit says", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({
      baseUrl,
      fetch,
      requestInit: { cache: "force-cache", next: { tags: ["cms", "cms-ar"] } },
    });

    await cms.getPreview(token, { locale: "ar" });

    assert.equal(sent[0]?.init.cache, "no-store");
    assert.equal(sent[0]?.init.next, undefined);
  });
});
