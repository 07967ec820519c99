"""Gunicorn settings for the production web process (`make serve`, docs/deploy.md).

Everything can be overridden from the environment (GUNICORN_*) or the command
line. Django is CPU-bound here (templates, serializers): one synchronous worker
per core plus one is the best throughput; more workers only queue on the CPU.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A worker answering nothing for this long is killed and replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# Behind a load balancer or nginx: keep the connection open a little longer.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle workers now and then so that a slow leak never grows unbounded.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# Load the application once in the master; workers fork it (less memory, and
# a broken deploy fails at start instead of in every worker).
preload_app = True

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "" turns it off
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Who, what, status, bytes and the time taken in microseconds (%(D)s).
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(a)s"'
# The load balancer terminates TLS and sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
if not accesslog:
    accesslog = None


def post_fork(server, worker):
    """Never share a database connection opened in the master with a worker."""
    from django.db import connections

    connections.close_all()
