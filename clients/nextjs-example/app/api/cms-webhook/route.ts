import { createWebhookRoute } from "@website-cms/client/next";
import { revalidateTag } from "next/cache";

// The CMS's webhooks (Settings → Webhooks in its admin) POST here on every publish, naming the
// cache tags of what changed; a delivery whose Standard Webhooks signature does not hold is
// answered 401 and revalidates nothing.
export const POST = createWebhookRoute({
  // whsec_…; during a rotation the old and the new one, comma-separated.
  secret: process.env.CMS_WEBHOOK_SECRET,
  // `{ expire: 0 }`, not the recommended "max": with "max", revalidateTag is
  // stale-while-revalidate, so the first visitor after a publish still gets the old page (and
  // the refresh happens behind it). An editor who publishes expects the next page view to show
  // the change, so the tagged data expires now and the next request waits for fresh data.
  revalidate: (tag) => revalidateTag(tag, { expire: 0 }),
});
