// The CMS, as the server components see it: one client, every fetch cached by Next.js and
// tagged with the names the CMS's webhooks revalidate.
import {
  createCmsClient,
  websiteDataTags,
  type CmsClient,
  type Locale,
  type WebsiteDataWith,
  type SectionField,
} from "@website-cms/client";

let client: CmsClient | undefined;

function cms(): CmsClient {
  // Read when the first page is rendered, not when the module loads: `next build` needs no CMS.
  const baseUrl = process.env.CMS_URL;
  if (!baseUrl) throw new Error("CMS_URL is not set: the CMS's base URL, e.g. http://127.0.0.1:8000");
  client ??= createCmsClient({
    baseUrl,
    // Next.js's Data Cache keeps each response until a webhook revalidates its tags.
    requestInit: { cache: "force-cache" },
    // That cache is the one that counts, and its key includes the request's headers: an
    // If-None-Match changing with every publish would only split it.
    conditionalRequests: false,
  });
  return client;
}

/** Every section of the site's chrome in one locale. Fetched once per render (Next.js
 * memoises identical fetches), served from the Data Cache until a publish. */
export async function getWebsiteData(locale: Locale): Promise<WebsiteDataWith<SectionField>> {
  const { data } = await cms().getWebsiteData(locale, {
    init: { next: { tags: websiteDataTags(locale) } },
  });
  return data;
}
