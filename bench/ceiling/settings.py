"""The production settings with the bench-only URLconf (bench/ceiling.py).

Only `bench/ceiling.py` runs gunicorn with these; the product never loads them.
"""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling.urls"
