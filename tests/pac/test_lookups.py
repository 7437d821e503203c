"""pac.lookups.attach: a small table's rows set on a page's objects in one query, as select_related
would have set them."""

from __future__ import annotations

import pytest

from evaluation.models import Instrument, PrePostCycle
from pac.lookups import attach
from pairings.models import Pair
from tests.coaching.factories import active_pair


@pytest.fixture
def pairs(program_year, staff_user):
    return [active_pair(program_year, staff_user) for _ in range(3)]


def test_attach_sets_each_relation_from_one_query(pairs, program_year, django_assert_num_queries):
    loaded = list(Pair.objects.filter(pk__in=[p.pk for p in pairs]).order_by("pk"))
    with django_assert_num_queries(1):
        attach(loaded, "program_year")
    with django_assert_num_queries(0):
        assert [pair.program_year for pair in loaded] == [program_year] * 3
    assert all(pair.program_year_id == program_year.pk for pair in loaded)


def test_attach_sets_two_keys_to_one_table_and_leaves_a_null_key_alone(pairs, staff_user, django_assert_num_queries):
    pre_k, toddler = Instrument.objects.get(code="pre_k"), Instrument.objects.get(code="toddler")
    PrePostCycle.objects.create(pair=pairs[0], instrument=pre_k, set_by=staff_user)
    PrePostCycle.objects.create(pair=pairs[1], instrument=toddler, second_instrument=pre_k, set_by=staff_user)
    cycles = list(PrePostCycle.objects.order_by("pair_id"))
    with django_assert_num_queries(1):
        attach([*cycles, None], "instrument", "second_instrument")
    with django_assert_num_queries(0):
        assert [(c.instrument, c.second_instrument) for c in cycles] == [(pre_k, None), (toddler, pre_k)]
        assert cycles[1].tools_label.startswith(toddler.name)


def test_a_call_is_one_query_whatever_the_rows(django_assert_num_queries, db):
    with django_assert_num_queries(1):
        attach([None], "program_year", model=Pair)  # a page with nothing to set still reads the table
    with pytest.raises(ValueError, match="model="):
        attach([], "program_year")
    with pytest.raises(ValueError, match="one table"):
        attach([], "instrument", "pair", model=PrePostCycle)
