"""Development by default; with DJANGO_DEBUG=0 it becomes the production settings."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
if DEBUG:
    if not SECRET_KEY:  # noqa: F405
        SECRET_KEY = "django-insecure-development-only-key"
else:
    from .production import *  # noqa: F403
