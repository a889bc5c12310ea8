import type { components } from "@website-cms/client";

import type { Labels } from "@/lib/labels";

import { CmsLink } from "./CmsLink";

type FooterLink = components["schemas"]["FooterLink"];

/** The footer's links, grouped as the CMS groups them (in the order the groups first come). */
export function SiteFooter({
  links,
  siteName,
  labels,
}: {
  links: FooterLink[];
  siteName: string | null;
  labels: Labels;
}) {
  const groups = new Map<string, FooterLink[]>();
  for (const link of links) {
    const group = link.group ?? "";
    groups.set(group, [...(groups.get(group) ?? []), link]);
  }
  return (
    <footer className="footer" data-testid="footer">
      <nav aria-label={labels.footer}>
        {[...groups].map(([group, groupLinks]) => (
          <section key={group} className="footer__group">
            {group && <h2>{group}</h2>}
            <ul>
              {groupLinks.map((link) => (
                <li key={link.id}>
                  <CmsLink url={link.url} isExternal={link.is_external} testId="footer-link">
                    {link.label}
                  </CmsLink>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>
      {siteName && <p className="footer__site">{siteName}</p>}
    </footer>
  );
}
