import createClient from "openapi-fetch";

import { CmsApiError } from "./errors.js";
import type { paths } from "./schema.js";
import { parseCacheTags } from "./tags.js";
import type {
  Locale,
  PreviewInfo,
  SectionEndpoint,
  SectionField,
  SectionItem,
  SectionItemWithEveryField,
  SectionListing,
  WebsiteDataEnvelope,
  WebsiteDataQuery,
  WebsiteDataWith,
} from "./types.js";

/** What a fetch accepts, plus the `next` options Next.js reads (`{ tags, revalidate }`); this
 * package does not depend on Next.js, the app passes them through. */
export interface CmsRequestInit extends RequestInit {
  next?: { tags?: string[]; revalidate?: number | false };
}

export type Fetch = (input: string | URL | Request, init?: CmsRequestInit) => Promise<Response>;

export interface CmsClientOptions {
  /** Where the CMS is, e.g. `https://cms.example.com` (the API is under /api/). */
  baseUrl: string;
  /** The fetch to use: globalThis.fetch by default (Next.js's own, in a Next.js app). */
  fetch?: Fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
  /** Passed to every fetch, e.g. `{ cache: "force-cache" }`; a call's own `init` adds to it. */
  requestInit?: CmsRequestInit;
  /**
   * Remember each website-data URL's ETag and body, send `If-None-Match`, and answer a 304 with
   * the body remembered (default: true). Turn it off where another cache holds the responses
   * (Next.js's Data Cache): its key includes the request's headers, so an `If-None-Match` that
   * changes with every publish would file each version apart.
   */
  conditionalRequests?: boolean;
}

export interface WebsiteDataOptions<Section extends SectionField> {
  /** Only these sections (`?sections=`); all of them by default. */
  sections?: readonly Section[];
  /** Added to the client's `requestInit` for this request, e.g. `{ next: { tags } }`. */
  init?: CmsRequestInit;
}

export interface WebsiteDataResult<Section extends SectionField> {
  /** The payload: `locale`, `direction`, `version` and the sections asked for. */
  data: WebsiteDataWith<Section>;
  /** The response's ETag (quoted, as the header gives it); null for a preview. */
  etag: string | null;
  /** The names of its `Cache-Tag` header (see `websiteDataTags`). */
  cacheTags: string[];
  /** The CMS answered 304 to `If-None-Match`: `data` is the body remembered from before. */
  notModified: boolean;
}

export interface PreviewOptions<Section extends SectionField> {
  /** The locale to preview in: the draft's own by default. */
  locale?: Locale;
  sections?: readonly Section[];
  init?: CmsRequestInit;
}

export interface PreviewResult<Section extends SectionField> {
  data: WebsiteDataWith<Section> & { preview: PreviewInfo };
}

export interface SectionQuery {
  locale?: Locale;
  /** Wagtail's `?fields=`: `*` all, `_` none, `title,image` these, `-description` all but. */
  fields?: string;
  init?: CmsRequestInit;
}

export interface SectionListingQuery extends SectionQuery {
  limit?: number;
  offset?: number;
}

/** An item as a query gets it: every property when it names no `fields`, else any may be
 * missing (also when `fields` may or may not be given: the type cannot tell). */
export type SectionItemFor<Endpoint extends SectionEndpoint, Query extends SectionQuery> =
  "fields" extends keyof Query
    ? Query["fields" & keyof Query] extends undefined
      ? SectionItemWithEveryField<Endpoint>
      : SectionItem<Endpoint>
    : SectionItemWithEveryField<Endpoint>;

export type SectionListingFor<Endpoint extends SectionEndpoint, Query extends SectionQuery> = Omit<
  SectionListing<Endpoint>,
  "items"
> & { items: SectionItemFor<Endpoint, Query>[] };

export interface CmsClient {
  /** `GET /api/website-data/?locale=…[&sections=…]`. */
  getWebsiteData<Section extends SectionField = SectionField>(
    locale: Locale,
    options?: WebsiteDataOptions<Section>,
  ): Promise<WebsiteDataResult<Section>>;
  /** The website data with the draft of a preview token applied (never cached). */
  getPreview<Section extends SectionField = SectionField>(
    token: string,
    options?: PreviewOptions<Section>,
  ): Promise<PreviewResult<Section>>;
  /** A listing of a Wagtail API v2 section endpoint, e.g. `listSection("heroes", { locale })`. */
  listSection<Endpoint extends SectionEndpoint, Query extends SectionListingQuery = {}>(
    endpoint: Endpoint,
    query?: Query,
  ): Promise<SectionListingFor<Endpoint, Query>>;
  /** One item of a Wagtail API v2 section endpoint, by id. */
  getSectionItem<Endpoint extends SectionEndpoint, Query extends SectionQuery = {}>(
    endpoint: Endpoint,
    id: number,
    query?: Query,
  ): Promise<SectionItemFor<Endpoint, Query>>;
}

interface Remembered {
  etag: string;
  cacheTags: string[];
  body: WebsiteDataEnvelope;
}

interface SendOptions {
  /** Added to the client's requestInit. */
  init?: CmsRequestInit | undefined;
  /** False for what must never be cached (previews): `cache: "no-store"`, no `next`. */
  cacheable?: boolean;
}

/**
 * What openapi-fetch builds for each call, in place of a `Request`: the URL, the method and the
 * headers, all that the client's own fetch reads of it. A `Request` (openapi-fetch's default)
 * would also make an AbortSignal and a second header list per call, for nothing: the request
 * goes out as fetch(url, init).
 */
class PlannedRequest {
  readonly method: string;
  readonly headers: Headers;

  constructor(
    readonly url: string,
    init: RequestInit,
  ) {
    this.method = init.method ?? "GET";
    this.headers = new Headers(init.headers);
  }
}

/** A typed client of the CMS's API. Every answer but a 2xx (and a 304 to its own
 * `If-None-Match`) throws `CmsApiError`. */
export function createCmsClient(options: CmsClientOptions): CmsClient {
  const fetchImpl: Fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const conditionalRequests = options.conditionalRequests ?? true;
  // Per URL: a handful (two locales, a few section subsets), so never pruned.
  const remembered = new Map<string, Remembered>();
  const api = createClient<paths>({
    baseUrl: options.baseUrl,
    headers: options.headers,
    Request: PlannedRequest as unknown as typeof Request,
  });

  /** The fetch options of one call: the client's `requestInit`, the call's own `init` over
   * it, then these headers. What must never be cached (previews) gets `cache: "no-store"`
   * and no `next`. */
  function fetchInit(
    init: CmsRequestInit | undefined,
    headers: Iterable<[string, string]>,
    cacheable = true,
  ): CmsRequestInit & { headers: Headers } {
    const merged = mergeInit(options.requestInit, init);
    if (!cacheable) {
      delete merged.next;
      merged.cache = "no-store";
    }
    const sent = new Headers(merged.headers);
    for (const [name, value] of headers) sent.set(name, value);
    return { ...merged, method: "GET", headers: sent };
  }

  // openapi-fetch builds the URL and types the call; the request goes out as a plain
  // fetch(url, init), so that Next.js reads `cache` and `next` as on any other fetch.
  function sender({ init, cacheable = true }: SendOptions) {
    const sent = { url: "" };
    const fetch = (request: PlannedRequest): Promise<Response> => {
      sent.url = request.url;
      return fetchImpl(request.url, {
        ...fetchInit(init, request.headers, cacheable),
        method: request.method,
      });
    };
    return { sent, fetch };
  }

  // The one call every page render of every frontend makes: built and sent by hand, its query
  // typed from the document (WebsiteDataQuery). Through openapi-fetch, a 304 through nginx
  // took 1.2x a bare fetch's time (its response handling parses the empty body as JSON and
  // catches the error); by hand 1.04x, and a 200 1.02x (`make bench`).
  const websiteDataUrl = `${options.baseUrl.replace(/\/+$/, "")}/api/website-data/`;

  async function getWebsiteData<Section extends SectionField = SectionField>(
    locale: Locale,
    { sections, init }: WebsiteDataOptions<Section> = {},
  ): Promise<WebsiteDataResult<Section>> {
    const query: WebsiteDataQuery = { locale };
    if (sections?.length) query.sections = sections.join(",");
    const url = `${websiteDataUrl}?${new URLSearchParams(query as Record<string, string>)}`;
    const sent = fetchInit(init, Object.entries(options.headers ?? {}));
    const known = conditionalRequests ? remembered.get(url) : undefined;
    if (known) sent.headers.set("If-None-Match", known.etag);
    const response = await fetchImpl(url, sent);
    if (response.status === 304 && known) {
      return {
        data: known.body.data as WebsiteDataWith<Section>,
        etag: response.headers.get("ETag") ?? known.etag,
        cacheTags: known.cacheTags,
        notModified: true,
      };
    }
    if (!response.ok) throw new CmsApiError(response.status, await jsonOrNull(response), url);
    const body = (await response.json()) as WebsiteDataEnvelope;
    const etag = response.headers.get("ETag");
    const cacheTags = cacheTagsOf(response);
    if (conditionalRequests && etag) remembered.set(url, { etag, cacheTags, body });
    // The API leaves out only the sections not asked for.
    return { data: body.data as WebsiteDataWith<Section>, etag, cacheTags, notModified: false };
  }

  async function getPreview<Section extends SectionField = SectionField>(
    token: string,
    { locale, sections, init }: PreviewOptions<Section> = {},
  ): Promise<PreviewResult<Section>> {
    // A draft is never cached, whatever the client's requestInit says: Next.js would keep it
    // in its Data Cache, under the published content's tags.
    const { sent, fetch } = sender({ init, cacheable: false });
    const { data, error, response } = await api.GET("/api/website-data/", {
      params: {
        query: { preview: token, locale, sections: sections?.length ? sections.join(",") : undefined },
      },
      fetch,
    });
    if (!response.ok || data === undefined) throw new CmsApiError(response.status, error, sent.url);
    return { data: data.data as PreviewResult<Section>["data"] };
  }

  async function listSection<
    Endpoint extends SectionEndpoint,
    Query extends SectionListingQuery = {},
  >(endpoint: Endpoint, query?: Query): Promise<SectionListingFor<Endpoint, Query>> {
    const { init, ...params } = query ?? {};
    const { sent, fetch } = sender({ init });
    // Every section endpoint takes the same query: the call is typed with one of them, and
    // its answer with the caller's endpoint (the return type).
    const path = `/api/v2/${endpoint}/` as "/api/v2/heroes/";
    const { data, error, response } = await api.GET(path, { params: { query: params }, fetch });
    if (!response.ok || data === undefined) throw new CmsApiError(response.status, error, sent.url);
    return data as unknown as SectionListingFor<Endpoint, Query>;
  }

  async function getSectionItem<Endpoint extends SectionEndpoint, Query extends SectionQuery = {}>(
    endpoint: Endpoint,
    id: number,
    query?: Query,
  ): Promise<SectionItemFor<Endpoint, Query>> {
    const { init, ...params } = query ?? {};
    const { sent, fetch } = sender({ init });
    const path = `/api/v2/${endpoint}/{id}/` as "/api/v2/heroes/{id}/";
    const { data, error, response } = await api.GET(path, {
      params: { path: { id }, query: params },
      fetch,
    });
    if (!response.ok || data === undefined) throw new CmsApiError(response.status, error, sent.url);
    return data as unknown as SectionItemFor<Endpoint, Query>;
  }

  return { getWebsiteData, getPreview, listSection, getSectionItem };
}

/** The JSON body of an error answer; null when it is not JSON (a proxy's own error page). */
async function jsonOrNull(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return null;
  }
}

function mergeInit(
  base: CmsRequestInit | undefined,
  extra: CmsRequestInit | undefined,
): CmsRequestInit {
  const merged: CmsRequestInit = { ...base, ...extra };
  if (base?.next || extra?.next) merged.next = { ...base?.next, ...extra?.next };
  if (base?.headers || extra?.headers) {
    const headers = new Headers(base?.headers);
    new Headers(extra?.headers).forEach((value, name) => headers.set(name, value));
    merged.headers = headers;
  }
  return merged;
}

function cacheTagsOf(response: Response): string[] {
  return parseCacheTags(response.headers.get("Cache-Tag") ?? response.headers.get("Surrogate-Key"));
}
