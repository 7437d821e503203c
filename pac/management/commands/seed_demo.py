import importlib
import time

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from pac.demo import DemoContext, history_in_bulk
from pac.derived import derived_in_bulk
from pac.services import outbox_muted

# Dependency order: each step may read what the ones before it made.
STEPS = ["pac", "applications", "pairings", "coaching", "evaluation", "evidence", "funding"]


class Command(BaseCommand):
    help = "Load deterministic demo data: regions' programs, people for every role, the current program year."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=1, help="Multiply the volume (for benchmarks).")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the demo logins.")

    def handle(self, *args, scale: int, quiet_logins: bool, **options):
        if scale < 1 or scale > 200:
            raise CommandError("--scale must be between 1 and 200.")
        ctx = DemoContext(scale=scale)
        started = time.perf_counter()
        # derived figures (applications' standings) are computed once, at the end, not after every save
        with transaction.atomic(), outbox_muted(), history_in_bulk(), derived_in_bulk():
            for label in STEPS:
                module_name = f"{apps.get_app_config(label).name}.demo"
                try:
                    module = importlib.import_module(module_name)
                except ModuleNotFoundError as exc:
                    if exc.name != module_name:
                        raise
                    continue
                module.seed(ctx)
                self.stdout.write(f"  seeded {label}")
        # (timed after the commit: the jobs it starts, such as the demo cohort report, count too)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready for {ctx.program_year} ({len(ctx.programs)} programs) in {elapsed:.1f} s."
            )
        )
        if not quiet_logins:
            self.stdout.write(f"\nDemo logins (password for all: {settings.PAC_DEMO_PASSWORD})")
            for label, email in ctx.logins:
                self.stdout.write(f"  {label:<32} {email}")
            self.stdout.write(
                "  Numbered logins follow the same pattern (ct2@pac.demo, mentee3@pac.demo, ...).\n"
                "  Staff must set up two-factor sign-in (any authenticator app) at first sign-in."
            )
