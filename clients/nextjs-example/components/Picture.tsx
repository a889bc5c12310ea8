import type { components } from "@website-cms/client";

type Image = components["schemas"]["Image"];

/** An image as the CMS describes it: its `<source>`s in order (AVIF and WebP, then the
 * art-directed variants with their `media`), and the `<img>` fallback with its own srcset.
 * Width and height reserve the space (no layout shift); the placeholder colour fills it while
 * the image loads. */
export function Picture({
  image,
  alt = image.decorative ? "" : image.alt,
  loading = "lazy",
}: {
  image: Image;
  /** Instead of the image's own alt text, e.g. a partner's name for its logo link. */
  alt?: string;
  loading?: "lazy" | "eager";
}) {
  return (
    <picture>
      {image.sources.map((source) => (
        <source
          key={`${source.media ?? ""} ${source.type}`}
          media={source.media ?? undefined}
          type={source.type}
          srcSet={source.srcset}
          sizes={source.sizes}
          width={source.width}
          height={source.height}
        />
      ))}
      <img
        src={image.url}
        srcSet={image.srcset}
        sizes={image.sizes}
        width={image.width}
        height={image.height}
        alt={alt}
        loading={loading}
        decoding="async"
        style={image.placeholder ? { backgroundColor: image.placeholder.color } : undefined}
      />
    </picture>
  );
}
