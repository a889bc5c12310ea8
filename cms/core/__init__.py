"""The floor every room stands on: small helpers that know nothing of content, caches, images
or the API (a named background thread, a rate-limited outage log, the database's statement
deadline).

May import: Django and the standard library only; nothing else in cms/.
"""
