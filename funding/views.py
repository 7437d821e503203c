"""The coach's stipend, installment by installment with what each still needs; staff's view of every
coach's stipend for a year."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from pac.models import ProgramYear
from pac.views import program_year_for, staff_required

from . import selectors


@require_GET
def my_stipend(request: HttpRequest) -> HttpResponse:
    """The signed-in coach's stipend for the current program year (a 404 for anyone who coaches no
    pair this year: there is nothing of theirs to show)."""
    year = ProgramYear.objects.current()
    person = getattr(request.user, "person", None)
    if year is None or person is None:
        raise Http404("You have no stipend this program year.")
    rules = selectors.rules_for(year)
    statement = selectors.statement_of(year, person) if rules else None
    if statement is None:
        raise Http404("You have no stipend this program year.")
    return render(request, "funding/my_stipend.html", {"year": year, "statement": statement, "rules": rules})


@require_GET
@staff_required
def stipends(request: HttpRequest) -> HttpResponse:
    year = program_year_for(request)
    rules = selectors.rules_for(year)
    found = selectors.statements(year, selectors.coaches_of(year), rules) if rules else []
    return render(
        request,
        "funding/stipends.html",
        {
            "year": year,
            "rules": rules,
            "statements": found,
            "warnings": selectors.installment_mismatches(rules) if rules else [],
            "payable_total": sum((s.payable_total for s in found), start=0),
        },
    )
