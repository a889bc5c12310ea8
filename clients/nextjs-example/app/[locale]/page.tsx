import { notFound } from "next/navigation";

import { Heroes } from "@/components/Heroes";
import { Partners } from "@/components/Partners";
import { getWebsiteData } from "@/lib/cms";
import { isLocale, labelsFor } from "@/lib/labels";

/** The home page: the heroes, the home page's own heading and introduction, the partners. */
export default async function HomePage({ params }: { params: Promise<{ locale: string }> }) {
  const { locale } = await params;
  if (!isLocale(locale)) notFound();
  // The same fetch as the layout's: Next.js makes it once.
  const site = await getWebsiteData(locale);
  return (
    <>
      <Heroes heroes={site.heroes} />
      {site.home && (
        <article className="home" data-testid="home">
          <h1>{site.home.heading}</h1>
          {/* Rich text the CMS's editors wrote, as Wagtail renders it. */}
          <div dangerouslySetInnerHTML={{ __html: site.home.intro }} />
        </article>
      )}
      <Partners partners={site.partners} labels={labelsFor(locale)} />
    </>
  );
}
