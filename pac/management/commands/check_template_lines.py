"""Fail when a template has a line longer than the limit (160 characters by default).

    python manage.py check_template_lines [--max 160]

Long template lines hide what a row or a form holds and make every change to them a conflict; a
whole table row goes on several lines. CI runs this before the tests. Every template directory of
the project is read (``templates/`` and each app's), never those of installed packages. Only HTML
templates are held to it: a plain-text email's paragraph is one line on purpose, since a hard break
there would show as a ragged break in the reader's mail app.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LIMIT = 160
SUFFIXES = {".html"}


def template_files(root: Path | None = None) -> list[Path]:
    root = Path(root or settings.BASE_DIR)
    skip = {".venv", "node_modules", "staticfiles", ".git"}
    return sorted(
        path
        for path in root.rglob("*")
        if path.suffix in SUFFIXES
        and "templates" in path.relative_to(root).parts
        and not skip.intersection(path.relative_to(root).parts)
        and path.is_file()
    )


def long_lines(root: Path | None = None, limit: int = LIMIT) -> list[tuple[Path, int, int]]:
    """Each (file, line number, length) over the limit."""
    found = []
    for path in template_files(root):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if len(line) > limit:
                found.append((path, number, len(line)))
    return found


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("--max", type=int, default=LIMIT, help="longest line allowed (characters)")

    def handle(self, *args, **options):
        root = Path(settings.BASE_DIR)
        found = long_lines(root, options["max"])
        for path, number, length in found:
            self.stdout.write(f"{path.relative_to(root)}:{number}: {length} characters (at most {options['max']})")
        if found:
            raise CommandError(f"{len(found)} template lines are longer than {options['max']} characters.")
        self.stdout.write(f"Every template line is at most {options['max']} characters.")
