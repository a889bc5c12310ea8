import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";

import { AnnouncementBar, MainMenu } from "@/components/SiteHeader";
import { SiteFooter } from "@/components/SiteFooter";
import { getWebsiteData } from "@/lib/cms";
import { isLocale, labelsFor } from "@/lib/labels";

import "../site.css";

interface LocaleParams {
  params: Promise<{ locale: string }>;
}

// Nothing is rendered at build time (`next build` needs no CMS): each locale is rendered on
// its first request, then served from the cache until a webhook revalidates its tags.
export const dynamicParams = true;
export function generateStaticParams(): { locale: string }[] {
  return [];
}

export async function generateMetadata({ params }: LocaleParams): Promise<Metadata> {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const { seo, home } = await getWebsiteData(locale);
  const languages = Object.fromEntries(
    (home?.alternates ?? []).map((alternate) => [alternate.hreflang, alternate.url]),
  );
  return {
    title: seo.title ?? seo.site_name ?? undefined,
    description: seo.description ?? undefined,
    keywords: seo.keywords,
    alternates: { languages },
    openGraph: seo.og_image
      ? { siteName: seo.site_name ?? undefined, images: [{ url: seo.og_image.url, alt: seo.og_image.alt }] }
      : undefined,
  };
}

/** The root layout of a locale: the document's language and direction, and the site's chrome,
 * all from the CMS. */
export default async function LocaleLayout({ children, params }: LocaleParams & { children: ReactNode }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  const site = await getWebsiteData(locale);
  const labels = labelsFor(site.locale);
  return (
    <html lang={site.locale} dir={site.direction}>
      <body>
        <AnnouncementBar announcement={site.announcement} />
        <header className="header">
          <MainMenu items={site.menu} labels={labels} />
        </header>
        <main>{children}</main>
        <SiteFooter links={site.footer} siteName={site.seo.site_name} labels={labels} />
      </body>
    </html>
  );
}
