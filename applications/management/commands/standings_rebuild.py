"""Recompute every stored standing (Tier 2 and Tier 3 results), or check them.

    python manage.py standings_rebuild [--year ID ...] [--check]

Standings are kept current when reviews, scores, weights and stages change through the models;
rebuild after writing around them (``QuerySet.update``, ``bulk_create``, a restore). ``--check``
changes nothing: it compares the stored standings with the reference computation in Python and
fails if any differ.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from applications.models import Tier
from applications.selectors import standings_differences
from applications.services.standings import standings_rebuild
from pac.models import ProgramYear


class Command(BaseCommand):
    help = "Recompute the stored Tier 2 and Tier 3 standings (results, ranks, z-scores), or --check them."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="A program year's id (repeatable).")
        parser.add_argument("--check", action="store_true", help="Compare with the reference; change nothing.")

    def handle(self, *args, year: list[int] | None, check: bool, **options):
        if not check:
            done = standings_rebuild(program_year_ids=year)
            self.stdout.write(
                self.style.SUCCESS(f"Recomputed {done} year and tier standing{'s' if done != 1 else ''}.")
            )
            return
        years = ProgramYear.objects.order_by("starts_on")
        if year:
            years = years.filter(pk__in=year)
        problems = []
        for program_year in years:
            for tier in Tier:
                problems += [
                    f"{program_year}, tier {tier.value}: {line}"
                    for line in standings_differences(program_year=program_year, tier=tier)
                ]
        for line in problems:
            self.stdout.write(line)
        if problems:
            raise CommandError(f"{len(problems)} difference{'s' if len(problems) != 1 else ''}: run standings_rebuild.")
        self.stdout.write(self.style.SUCCESS("The stored standings agree with the reference."))
