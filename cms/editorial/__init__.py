"""The editors' and translators' tools in the Wagtail admin: the roles and locale teams
(`roles`, `locale_access`), approval before anything goes live (`approval`), previews of the
whole site (`preview`), translation status, the cache page, the webhook endpoints and their
log, publish receipts, and the scheduler's warning.

May import: cms.scheduling and the rooms below it.
"""
