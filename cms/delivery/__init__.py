"""What frontends read, and how every change reaches them: the section registry (`sections`),
the payload's keys and tags (`keys`), the builders (`build`, over sitecontent/home builders),
the payload with its locks and last good copies (`payload`), and the propagation of each
change (`propagation`, `signal_handlers`) to Redis and to the shared caches in front of the
API (`shared_caches`, retried by `reconciler`).

May import: cms.images, cms.cache, cms.core, and the content apps (sitecontent, home).
"""
