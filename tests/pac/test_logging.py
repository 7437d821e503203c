"""An expected refusal (PermissionDenied, a 403) is one line in the server log, not a traceback,
and is written once, not once by Django's own console handler and again by PAC's."""

import logging

import pytest
from django.urls import reverse
from django.utils.log import configure_logging

from pac.settings import base
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_permission_refusal_is_logged_as_one_line_without_a_traceback(client, caplog):
    client.force_login(UserFactory())
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(reverse("applications:pipeline"))
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelname == "WARNING"
    assert record.exc_info is None and not record.exc_text
    line = logging.Formatter(base.LOGGING["formatters"]["plain"]["format"]).format(record)
    assert "\n" not in line
    assert "Forbidden" in line and "/applications/staff/" in line
    assert "These pages are for EEC staff." in line  # the reason, on the same line


def test_a_server_error_still_logs_its_traceback(client, caplog):
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())
    from unittest import mock

    with (
        mock.patch("pac.views.panels_for", side_effect=RuntimeError("boom")),
        caplog.at_level(logging.ERROR, logger="django.request"),
    ):
        assert client.get(reverse("pac:my_work")).status_code == 500
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is not None  # a real error keeps its traceback


@pytest.fixture
def production_logging(settings):
    """The server's own logging configuration (base.LOGGING) with DEBUG on, as `make run` has it."""
    settings.DEBUG = True
    configure_logging("logging.config.dictConfig", base.LOGGING)
    yield
    configure_logging("logging.config.dictConfig", settings.LOGGING)


def test_the_server_log_shows_a_refusal_once_in_one_line(client, production_logging, capsys):
    # the handlers are made by dictConfig in the fixture, after capsys replaced stderr
    configure_logging("logging.config.dictConfig", base.LOGGING)
    client.force_login(UserFactory())
    assert client.get(reverse("applications:pipeline")).status_code == 403
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "Forbidden" in line]
    assert len(lines) == 1, err
    assert "Traceback" not in err
