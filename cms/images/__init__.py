"""Images as frontends receive them: the declared slots and their variants (`slots`), the
renditions made ahead of time in bounded memory (`renditions`, `models.PreparedImage`), the
worker's image tasks (`preparing`) and the check of an upload before Wagtail stores it
(`uploads`). It never knows which sections show an image: when an image's renditions are
ready it sends `preparing.prepared`, and cms.delivery purges what shows it.

May import: cms.core.
"""
