import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")
django.setup(set_prefix=False)

from cms.handlers import Application  # noqa: E402  (needs the settings above)

application = Application()
