export { createCmsClient } from "./client.js";
export type {
  CmsClient,
  CmsClientOptions,
  CmsRequestInit,
  Fetch,
  PreviewOptions,
  PreviewResult,
  SectionItemFor,
  SectionListingFor,
  SectionListingQuery,
  SectionQuery,
  WebsiteDataOptions,
  WebsiteDataResult,
} from "./client.js";
export { CmsApiError } from "./errors.js";
export { SECTION_FIELDS, parseCacheTags, websiteDataTags } from "./tags.js";
export type * from "./types.js";
export type { components, paths, webhooks } from "./schema.js";
export {
  UnknownWebhookEventError,
  WebhookVerificationError,
  verifyWebhook,
} from "./webhooks.js";
export type { WebhookDelivery, WebhookSecret } from "./webhooks.js";
