"""The public HTTP API under /api/: the flattened website data and its siblings (`views`), the
Wagtail API v2 section endpoints (`v2`), the one parser of query strings (`inputs`), the JSON
envelope every answer and error is wrapped in (`envelope`, `endpoint`), the request checks at
its edge (`guard`) and the OpenAPI document (`openapi`).

May import: cms.editorial and the rooms below it.
"""
