import type { ReactNode } from "react";

/** A link from the CMS: external ones open as any external link does, without the opener. */
export function CmsLink({
  url,
  isExternal,
  children,
  testId,
}: {
  url: string;
  isExternal: boolean;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <a href={url} data-testid={testId} {...(isExternal ? { rel: "noopener noreferrer", target: "_blank" } : {})}>
      {children}
    </a>
  );
}
