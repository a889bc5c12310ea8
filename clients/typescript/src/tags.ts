import type { Locale, SectionField } from "./types.js";

/** The payload's sections, in the order the CMS lists them (its section registry). The type
 * comes from the document; this list is the one copy the client needs at run time, and the
 * compiler holds it to the document (see `EverySectionListed`). */
export const SECTION_FIELDS = [
  "announcement",
  "menu",
  "heroes",
  "partners",
  "footer",
  "seo",
  "home",
] as const satisfies readonly SectionField[];

// Fails to compile, naming it, when the document has a section this list lacks.
type MissingSection = Exclude<SectionField, (typeof SECTION_FIELDS)[number]>;
const noSectionMissing: [MissingSection] extends [never] ? true : MissingSection = true;

/** The tag every response of the CMS carries (webhooks never name it: revalidating it would
 * refresh every locale). */
const TAG_PREFIX = "cms";

/**
 * The cache tags of a `/api/website-data/` response for this locale and these sections (all of
 * them when none are given): exactly the names of its `Cache-Tag` header, e.g. `cms`, `cms-ar`,
 * `cms-ar-heroes`. Tag a cached fetch with them (Next.js `fetch(url, { next: { tags } })`) and
 * the webhooks' `data.tags` revalidate it.
 */
export function websiteDataTags(
  locale: Locale,
  sections: readonly SectionField[] = SECTION_FIELDS,
): string[] {
  const asked = new Set(sections.length ? sections : SECTION_FIELDS);
  return [
    TAG_PREFIX,
    `${TAG_PREFIX}-${locale}`,
    ...SECTION_FIELDS.filter((field) => asked.has(field)).map(
      (field) => `${TAG_PREFIX}-${locale}-${field}`,
    ),
  ];
}

/** The names in a `Cache-Tag` (comma-separated, Cloudflare's spelling) or `Surrogate-Key`
 * (space-separated, Fastly's and Varnish's) header. */
export function parseCacheTags(header: string | null): string[] {
  return header ? header.split(/[\s,]+/).filter(Boolean) : [];
}
