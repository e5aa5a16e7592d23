"""What decoding a screenshot costs: pictures of more pixels than the limit are refused before they are
decoded, and one at the limit is made small before it is copied, so a large upload never takes hundreds
of megabytes. Memory is measured in a process of its own (its peak resident size)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from PIL import Image

from civic.showcase import screenshots
from tests.showcase.conftest import count_apps, png, submit

# How much a process's peak memory may grow while one picture at the pixel limit is cleaned. Decoding a
# PNG whole takes 4 bytes a pixel (64 MB at the limit); what was taken before the pictures were made small
# first was over 220 MB.
PNG_PEAK_MB = 150
# A JPEG is decoded at a reduced scale.
JPEG_PEAK_MB = 64

MEASURE = textwrap.dedent("""
    import io, resource, sys
    from pathlib import Path
    from PIL import Image
    from civic.showcase import screenshots

    content, pillow_format = Path(sys.argv[1]).read_bytes(), sys.argv[2]
    tiny = io.BytesIO()
    Image.new("RGB", (8, 8)).save(tiny, pillow_format)
    screenshots.redraw(tiny.getvalue(), pillow_format)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    picture, small = screenshots.redraw(content, pillow_format)
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    print(grown // 1024, picture.width, picture.height)
""")


def test_a_picture_over_sixteen_million_pixels_is_refused_in_both_languages(app, citizen_client):
    assert screenshots.MAX_PIXELS == 16_000_000
    response = submit(citizen_client, picture=png(5000, 3300))
    assert response.status_code == 422
    assert "螢幕截圖超過 16 百萬像素" in response.get_data(as_text=True)
    citizen_client.get("/apps?lang=en")
    english = submit(citizen_client, picture=png(5000, 3300)).get_data(as_text=True)
    assert "The screenshot has more than 16 million pixels" in english
    assert count_apps(app) == 0


@pytest.mark.parametrize(("pillow_format", "suffix", "peak"), [("PNG", "png", PNG_PEAK_MB),
                                                               ("JPEG", "jpg", JPEG_PEAK_MB)])
def test_a_picture_at_the_pixel_limit_is_made_small_before_it_is_copied(tmp_path, pillow_format, suffix, peak):
    path = tmp_path / f"large.{suffix}"
    Image.linear_gradient("L").resize((5000, 3200)).convert("RGB").save(path, pillow_format)
    result = subprocess.run([sys.executable, "-c", MEASURE, str(path), pillow_format], capture_output=True,
                            text=True, timeout=120, check=True)
    grown, width, height = (int(value) for value in result.stdout.split())
    assert (width, height) == (1920, 1229)
    assert grown < peak, f"cleaning a {pillow_format} of 16 million pixels took {grown} MB more"
