from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from pac.workflow import Workflow, workflows_doc

DOC = Path("docs") / "workflows.md"


def declared_workflows() -> list[Workflow]:
    """Every model's workflow, the program's records in app order and pac's own machinery last."""
    order = [config.label for config in apps.get_app_configs()]

    def key(flow: Workflow):
        label = flow.model._meta.app_label if flow.model else "pac"
        return (label == "pac", order.index(label) if label in order else len(order))

    return sorted((flow for flow in Workflow.registry.values() if flow.model is not None), key=key)


class Command(BaseCommand):
    help = "Draw every declared workflow in docs/workflows.md from its transition table (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Fail if docs/workflows.md is out of date.")

    def handle(self, *args, check: bool, **options):
        path = Path(settings.BASE_DIR) / DOC
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        updated = workflows_doc(current, declared_workflows())
        if check:
            if updated != current:
                raise CommandError(f"{DOC} does not match the transition tables: run `manage.py workflows_doc`.")
            self.stdout.write(f"{DOC} matches the transition tables.")
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(updated, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}.")
