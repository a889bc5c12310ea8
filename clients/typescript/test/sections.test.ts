import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { CmsApiError, createCmsClient, type SectionEndpoint } from "@website-cms/client";

import { baseUrl, httpRecording, recordedFetch } from "./support/recordings.js";

const endpoints: SectionEndpoint[] = [
  "announcements",
  "menu-items",
  "heroes",
  "partners",
  "footer-links",
];

describe("listSection", () => {
  for (const endpoint of endpoints) {
    for (const locale of ["en", "ar"] as const) {
      test(`lists ${endpoint} in ${locale}`, async () => {
        const { fetch, sent } = recordedFetch();
        const cms = createCmsClient({ baseUrl, fetch });

        const listing = await cms.listSection(endpoint, { locale });

        assert.equal(sent[0]?.url.pathname, `/api/v2/${endpoint}/`);
        assert.deepEqual(listing, httpRecording(`v2.${endpoint}.${locale}`).body);
        assert.ok(listing.items.length <= listing.meta.total_count);
        for (const item of listing.items) {
          // An item without a translation is served in the locale it falls back to.
          assert.equal(item.meta.locale, item.fallback_locale ?? locale);
        }
      });
    }
  }

  test("types every field of an item as present when no fields are chosen", async () => {
    const { fetch } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const { items } = await cms.listSection("heroes", { locale: "ar" });

    // These compile only because, without `fields`, nothing is optional, nested or not.
    const titles: string[] = items.map((hero) => hero.title);
    const detailUrls: string[] = items.map((hero) => hero.meta.detail_url);
    const imageUrls: (string | undefined)[] = items.map((hero) => hero.image?.url);
    const sourceTypes: string[] = items.flatMap((hero) => hero.image?.sources.map((s) => s.type) ?? []);
    assert.equal(titles.length, detailUrls.length);
    assert.equal(imageUrls.length, titles.length);
    assert.ok(sourceTypes.includes("image/avif"));
  });

  test("sends fields and returns only those fields", async () => {
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const listing = await cms.listSection("heroes", { locale: "ar", fields: "_,title" });

    assert.equal(sent[0]?.url.searchParams.get("fields"), "_,title");
    assert.deepEqual(listing, httpRecording("v2.heroes.ar.fields").body);
    for (const hero of listing.items) {
      assert.deepEqual(Object.keys(hero), ["title"]);
      // @ts-expect-error With `fields`, any field may be missing: the type makes one check.
      const title: string = hero.title;
      assert.equal(typeof title, "string");
    }
  });

  test("throws CmsApiError with the envelope for an unknown field", async () => {
    const recording = httpRecording("v2.heroes.error");
    const { fetch } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const failure = await cms
      .listSection("heroes", { locale: "ar", fields: "nope" })
      .catch((error: unknown) => error);

    assert.ok(failure instanceof CmsApiError);
    assert.equal(failure.status, 400);
    assert.deepEqual(failure.envelope, recording.body);
  });
});

describe("getSectionItem", () => {
  test("gets one item by id, with every field", async () => {
    const recording = httpRecording("v2.heroes.ar.detail");
    const id = Number(new URL(recording.request.path, baseUrl).pathname.split("/").at(-2));
    const { fetch, sent } = recordedFetch();
    const cms = createCmsClient({ baseUrl, fetch });

    const hero = await cms.getSectionItem("heroes", id, { locale: "ar" });

    assert.equal(sent[0]?.url.pathname, `/api/v2/heroes/${id}/`);
    assert.deepEqual(hero, recording.body);
    assert.equal(hero.id, id);
    assert.equal(hero.meta.type, "sitecontent.Hero");
  });
});
