"""Observation entry (CLASS observers), scheduling (staff), and growth analytics."""

from __future__ import annotations

from django.http import HttpResponse


def _todo(request, *args, **kwargs):  # replaced below as the pages are built
    return HttpResponse(status=501)


observation_list = observation_new = observation_detail = schedule = _todo
pair_growth = pair_growth_chart = cohort = cohort_chart = _todo
