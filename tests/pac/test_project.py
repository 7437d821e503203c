"""The project's shape: compose file, Dockerfile, settings per environment, demo data."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pac.models import Person, Program, User

ROOT = Path(__file__).resolve().parents[2]


def test_compose_file_has_the_production_services():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) >= {"postgres", "redis", "web", "worker", "beat"}
    assert services["postgres"]["image"].startswith("postgres:15")
    assert services["redis"]["image"].startswith("redis:7")
    assert "gunicorn pac.wsgi:application" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "pac", "worker"]
    assert (
        services["beat"]["command"][:4] == ["celery", "-A", "pac", "beat"] and "django" in services["beat"]["command"]
    )
    for name in ("web", "worker", "beat"):
        service = services[name]
        assert service["build"] == "."
        env = service["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "pac.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert "SECRET_KEY" in env and "EMAIL_URL" in env
        assert service["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_dockerfile_installs_weasyprint_system_libraries_and_the_locked_dependencies():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "libpango-1.0-0" in dockerfile and "fonts-dejavu-core" in dockerfile
    assert "uv sync --frozen" in dockerfile
    assert (ROOT / "uv.lock").exists()


def _run_settings(code: str, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PAC_BASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    clean.update(env, DJANGO_SETTINGS_MODULE="pac.settings.production")
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _run_settings("import django; django.setup()", ALLOWED_HOSTS="x", DATABASE_URL="sqlite:///x")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_settings_refuse_to_start_without_the_base_url():
    """Emailed links cannot follow a request in a worker: production must be told its address."""
    result = _run_settings(
        "import django; django.setup()",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="x",
        DATABASE_URL="sqlite:///x",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="consolemail://",
    )
    assert result.returncode != 0
    assert "PAC_BASE_URL" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _run_settings(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        SECRET_KEY="x" * 20 + "a-much-longer-and-random-looking-production-secret-9f8e7d",
        ALLOWED_HOSTS="pac.example.org",
        DATABASE_URL="sqlite:////tmp/pac-deploy-check.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/0",
        EMAIL_URL="consolemail://",
        PAC_BASE_URL="https://pac.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_directory_demo_is_deterministic_and_scales():
    """The shared directory's part of seed_demo (the whole command is tested in tests/test_seed_demo.py)."""
    from pac.demo import DemoContext, seed

    seed(DemoContext(scale=2))
    assert Program.objects.count() == 80
    first = list(Person.objects.order_by("email").values_list("email", "first_name", "years_as_educator"))
    assert len([e for e, *_ in first if e.startswith("ct")]) == 24
    Person.objects.all().delete()
    User.objects.all().delete()
    Program.objects.all().delete()
    seed(DemoContext(scale=2))
    assert list(Person.objects.order_by("email").values_list("email", "first_name", "years_as_educator")) == first
