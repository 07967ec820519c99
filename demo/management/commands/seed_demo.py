"""`manage.py seed_demo`: the demo data set and the well-known accounts."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo import seeding as demo


class Command(BaseCommand):
    help = (
        "Create the demo data set (stores, orders, cases in every state with their "
        "history, platform rules) and the well-known accounts buyer1, buyer2, "
        "merchant1, merchant2, agent1, agent2, supervisor1, supervisor2, manager1. "
        "Up to 2,000 cases go through the real services on a travelling clock; "
        "more are bulk-loaded (COPY on PostgreSQL). Does nothing when the demo is "
        "already there (see --reset-passwords)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--cases",
            type=int,
            default=demo.DEFAULT_CASES,
            help="How many cases to create (default %(default)s).",
        )
        parser.add_argument(
            "--password",
            default=demo.DEFAULT_PASSWORD,
            help="The demo accounts' password (default %(default)s).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=2026,
            help="Random seed: the same seed builds the same data.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Cases per bulk insert round (default %(default)s).",
        )
        parser.add_argument(
            "--orders-per-case",
            type=int,
            default=3,
            help="Orders created per case; the rest have no case.",
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Set --password on the well-known accounts even "
            "when they exist already.",
        )
        parser.add_argument(
            "--method",
            choices=["auto", "services", "bulk"],
            default="auto",
            help="services: every case through the service functions; bulk: rows "
            "written directly; auto (default): services up to "
            f"{demo.SERVICE_LIMIT:,} cases.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=0,
            help="Processes building bulk cases on PostgreSQL (default: 2 from "
            f"{demo.PARALLEL_FROM:,} cases when there are 2 cores). The same "
            "seed builds the same data whatever the number.",
        )
        parser.add_argument(
            "--force", action="store_true", help="Run even though DEBUG is off."
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress line on stderr."
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off: this looks like production. seed_demo adds demo "
                "accounts with a known password; pass --force if you mean it."
            )
        cases = options["cases"]
        if cases < 0 or options["batch_size"] < 1 or options["orders_per_case"] < 1:
            raise CommandError("--cases must be >= 0; batch size and orders >= 1.")
        if options["jobs"] < 0:
            raise CommandError("--jobs must be >= 0.")
        result = demo.seed_demo(
            cases=cases,
            password=options["password"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            orders_per_case=options["orders_per_case"],
            reset_passwords=options["reset_passwords"],
            method=options["method"],
            jobs=options["jobs"],
            progress=None if options["no_progress"] else ProgressLine(self.stderr),
        )
        if not result.created:
            self.stdout.write(
                "The demo data is already there; nothing was added."
                + (
                    f" Passwords reset: {result.passwords_reset}."
                    if options["reset_passwords"]
                    else ""
                )
            )
            return
        rate = result.cases / result.seconds if result.seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo ready: {result.cases} cases ({result.method}), "
                f"{result.orders} orders in {result.seconds:.1f}s "
                f"({rate:.0f} cases/s). Sign in as buyer1, merchant1, agent1, "
                f"supervisor1 or manager1 with password {options['password']!r}."
            )
        )


class ProgressLine:
    """`[#####.....] 120/300 cases 11/s` on stderr.

    On a terminal the line is rewritten in place at every call; elsewhere (a
    log, CI) a line is printed for each tenth of the work.
    """

    WIDTH = 30

    def __init__(self, stream) -> None:
        self.stream, self.started = stream, time.monotonic()
        self.in_place = stream.isatty()
        self.tenths = -1

    def __call__(self, done: int, total: int) -> None:
        tenths = 10 * done // max(total, 1)
        if not self.in_place and tenths == self.tenths and done < total:
            return
        self.tenths = tenths
        filled = self.WIDTH * done // max(total, 1)
        rate = done / max(time.monotonic() - self.started, 1e-6)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {done:,}/{total:,} cases {rate:,.0f}/s"
        if self.in_place:
            end = "\n" if done >= total else ""
            self.stream.write("\r" + line, ending=end)
        else:
            self.stream.write(line)
        self.stream.flush()
