import type { components } from "@website-cms/client";

import { CmsLink } from "./CmsLink";
import { Picture } from "./Picture";

type Hero = components["schemas"]["Hero"];

export function Heroes({ heroes }: { heroes: Hero[] }) {
  return (
    <div className="heroes">
      {heroes.map((hero, index) => (
        <section key={hero.id} className="hero" data-testid="hero">
          {/* The first hero is the page's largest paint: fetched at once. */}
          {hero.image && <Picture image={hero.image} loading={index === 0 ? "eager" : "lazy"} />}
          <div className="hero__text">
            <h2 data-testid="hero-title">{hero.title}</h2>
            <p>{hero.description}</p>
            {hero.button && (
              <CmsLink url={hero.button.url} isExternal={hero.button.is_external} testId="hero-button">
                {hero.button.label}
              </CmsLink>
            )}
          </div>
        </section>
      ))}
    </div>
  );
}
