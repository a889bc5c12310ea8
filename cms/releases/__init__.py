"""Releases: campaigns of changes to site content and home pages, in any locales, that go
live together, as approved, and can be rolled back. What a release is (`models`), what is in
it and how items join (`membership`), and how it goes live or is undone (`launch`): one
transaction, one propagation, one `release.published` event per endpoint and locale.

A release is approved and scheduled as any item is (Wagtail's workflow; the scheduler's
sweep publishes it), so this room needs neither: it is below cms.editorial, beside
cms.scheduling.

May import: cms.delivery and the rooms below it.
"""
