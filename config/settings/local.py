"""Development: debug on unless DJANGO_DEBUG says otherwise."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", True)
if not SECRET_KEY:  # noqa: F405
    SECRET_KEY = "django-insecure-development-only-key"
