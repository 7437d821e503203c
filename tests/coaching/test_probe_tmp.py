import datetime
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from coaching import services
from tests.coaching.factories import active_pair

pytestmark = pytest.mark.django_db

def test_probe(program_year, staff_user):
    today = datetime.date.today()
    p = active_pair(program_year, staff_user, started_on=today - datetime.timedelta(days=25))
    print(services.reminders_sweep(today=today))
    with CaptureQueriesContext(connection) as ctx:
        services.reminders_sweep(today=today)
    for q in ctx.captured_queries: print(q["sql"][:200])
