import type { Locale } from "@website-cms/client";

// The only words on the page that are not the CMS's: landmarks' names for screen readers, in
// the page's language. Its keys are the locales this site serves.
const LABELS = {
  en: { mainMenu: "Main menu", submenu: "Submenu", partners: "Partners", footer: "Footer links" },
  ar: {
    mainMenu: "القائمة الرئيسية",
    submenu: "قائمة فرعية",
    partners: "الشركاء",
    footer: "روابط التذييل",
  },
} as const satisfies Record<Locale, Record<string, string>>;

export type Labels = (typeof LABELS)[Locale];

export function isLocale(value: string): value is Locale {
  return Object.hasOwn(LABELS, value);
}

export function labelsFor(locale: Locale): Labels {
  return LABELS[locale];
}
