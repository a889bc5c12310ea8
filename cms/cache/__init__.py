"""The keyed store of built payloads: Redis with compare-and-set writes and rebuild locks
(`engine`, over `stores`), the breaker that stops asking a Redis that is down, each process's
own copies (`local_copies`) and the content generation that says which copies may be served
(`generation`, `models.ContentGeneration`). It stores bytes under keys; it never knows what a
section, a locale or an image is.

May import: cms.core.
"""
