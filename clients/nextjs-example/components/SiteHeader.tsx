import type { components } from "@website-cms/client";

import type { Labels } from "@/lib/labels";

import { CmsLink } from "./CmsLink";

type Schemas = components["schemas"];

export function AnnouncementBar({ announcement }: { announcement: Schemas["Announcement"] | null }) {
  if (!announcement) return null;
  return (
    <div className={`announcement announcement--${announcement.tone}`} data-testid="announcement">
      <p>
        {announcement.message}{" "}
        {announcement.link && (
          <CmsLink url={announcement.link.url} isExternal={announcement.link.is_external}>
            {announcement.link.label}
          </CmsLink>
        )}
      </p>
    </div>
  );
}

export function MainMenu({ items, labels }: { items: Schemas["MenuItem"][]; labels: Labels }) {
  return (
    <nav aria-label={labels.mainMenu} data-testid="menu">
      <ul className="menu">
        {items.map((item) => (
          <li key={item.id} data-testid="menu-item">
            <CmsLink url={item.url} isExternal={item.is_external}>
              {item.label}
            </CmsLink>
            {item.children.length > 0 && (
              <ul className="submenu" aria-label={`${labels.submenu}: ${item.label}`}>
                {item.children.map((child) => (
                  <li key={child.id} data-testid="menu-child">
                    <CmsLink url={child.url} isExternal={child.is_external}>
                      {child.label}
                    </CmsLink>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </nav>
  );
}
