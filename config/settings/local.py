"""Development by default; with DJANGO_DEBUG=0 it becomes the production settings."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
if DEBUG:
    if not SECRET_KEY:
        SECRET_KEY = "django-insecure-development-only-key"
else:
    from .production import *  # noqa: F403
