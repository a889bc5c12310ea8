#!/usr/bin/env python3
"""Measure the peak memory (RSS) of making every rendition the payload serves for one
40-megapixel upload: our way (manage.py prepare_images, as the worker does it) side by side
with Wagtail's (Image.get_renditions, what a public request did before renditions were made
ahead of time), each in a fresh process, against the PostgreSQL in DATABASE_URL.

    scripts/with-services .venv/bin/python scripts/bench_images.py

Two uploads: without a focal point, and with a small one (crops close to it need the original
at nearly full size). Prints the figures and a last line `FIGURES {json}`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.bench_website_data import PYTHON, environment, manage
from scripts.loopback import ROOT

WIDTH, HEIGHT = 7296, 5472  # 39.9 megapixels, the largest upload allowed (CMS_IMAGE_MAX_PIXELS)

# Makes the two uploads (a JPEG drawn at run time: a photo's size, not its content, sets the
# memory a decode takes) and prints their ids.
UPLOAD = f"""
import io
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw
from wagtail.images import get_image_model
picture = Image.linear_gradient("L").resize(({WIDTH}, {HEIGHT})).convert("RGB")
ImageDraw.Draw(picture).ellipse((2000, 1500, 5000, 4000), fill=(200, 90, 30))
data = io.BytesIO()
picture.save(data, "JPEG", quality=85)
del picture
ids = []
for name, focal in (("whole", {{}}), ("focal", dict(focal_point_x=3400, focal_point_y=2600,
                                               focal_point_width=300, focal_point_height=300))):
    image = get_image_model().objects.create(
        title=name, file=ImageFile(io.BytesIO(data.getvalue()), name=name + ".jpg"), **focal)
    ids.append(image.pk)
print(*ids)
"""

FORGET = """
from cms.images.models import PreparedImage
from wagtail.images import get_image_model
get_image_model().get_rendition_model().objects.filter(image_id={pk}).delete()
PreparedImage.objects.filter(image_id={pk}).delete()
"""

# Before: Wagtail makes them on request, from the original, three at a time.
WAGTAIL = """
from cms.images.slots import all_specs
from wagtail.images import get_image_model
get_image_model().objects.get(pk={pk}).get_renditions(*all_specs())
"""

IDLE = """
from wagtail.images import get_image_model
get_image_model().objects.get(pk={pk})
"""


def peak_mb(env, *args):
    """Run manage.py `args` in a fresh process; its peak resident memory, in MB."""
    process = subprocess.Popen([PYTHON, "manage.py", *args], cwd=ROOT, env=env)  # noqa: S603
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"manage.py {args[0]} failed ({process.returncode})")
    return usage.ru_maxrss / 1024  # kB on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--without-wagtail", action="store_true", help="Only ours (Wagtail's takes a minute)."
    )
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as media:
        env = {**environment(), "CMS_MEDIA_ROOT": media}
        manage(env, "migrate", "--no-input", "-v0")
        ids = manage(env, "shell", "-c", UPLOAD, capture=True).stdout.splitlines()[-1].split()
        figures = {}
        for name, pk in zip(("whole", "focal"), ids, strict=True):
            idle = peak_mb(env, "shell", "-c", IDLE.format(pk=pk))
            wagtail = 0.0
            if not options.without_wagtail:
                wagtail = peak_mb(env, "shell", "-c", WAGTAIL.format(pk=pk))
                manage(env, "shell", "-c", FORGET.format(pk=pk))
            ours = peak_mb(env, "prepare_images", pk)
            figures[name] = {
                "process_idle_mb": round(idle),
                "wagtail_get_renditions_mb": round(wagtail),
                "prepare_images_mb": round(ours),
            }
            print(
                f"40 MP JPEG ({name}): an idle process {idle:.0f} MB; Wagtail's "
                f"get_renditions {wagtail:.0f} MB; prepare_images {ours:.0f} MB peak RSS"
            )
        print("FIGURES " + json.dumps(figures))


if __name__ == "__main__":
    main()
