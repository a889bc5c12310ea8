import type { components } from "@website-cms/client";

import type { Labels } from "@/lib/labels";

import { Picture } from "./Picture";

type Partner = components["schemas"]["Partner"];

export function Partners({ partners, labels }: { partners: Partner[]; labels: Labels }) {
  if (!partners.length) return null;
  return (
    <section aria-label={labels.partners} data-testid="partners">
      <ul className="partners">
        {partners.map((partner) => (
          <li key={partner.id} data-testid="partner">
            {partner.url ? (
              <a href={partner.url} rel="noopener noreferrer" target="_blank">
                {/* The logo is the link's only content: it names the partner. */}
                <Picture image={partner.logo} alt={partner.logo.alt || partner.name} />
              </a>
            ) : (
              <Picture image={partner.logo} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
