"""Tier 2 results: the aggregation and normalisation in selectors.compute_results, checked
against numbers worked out by hand, and review_results running in a fixed number of queries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from applications.models import Application, ReviewAssignment, Rubric, Score, Stage, Tier
from applications.selectors import compute_results, review_results
from pac.models import Program, Region
from tests.applications.factories import ApplicationFactory
from tests.factories import PersonFactory, ProgramFactory, ProgramYearFactory, RegionFactory, UserFactory

C1, C2 = 1, 2
WEIGHTS = {C1: Decimal("2"), C2: Decimal("1")}
A, B, C = 100, 200, 300  # reviewer ids


def app(pk: int, reference: str, role: str = "ct", region: int = 1) -> Application:
    """An unsaved application in a program of the given region; nothing here touches the database."""
    application = Application(pk=pk, reference=reference, role=role)
    application.program = Program(pk=1000 + pk, region=Region(pk=region, number=region))
    return application


def review(assignment_id: int, reviewer_id: int, application_id: int, *values: int) -> list[dict]:
    """Rows for one submitted review: values are the scores on C1, C2, ... in order."""
    return [
        {
            "assignment_id": assignment_id,
            "reviewer_id": reviewer_id,
            "application_id": application_id,
            "criterion_id": criterion,
            "value": value,
        }
        for criterion, value in zip((C1, C2), values, strict=True)
    ]


def by_reference(results) -> dict:
    return {r.application.reference: r for r in results}


def reviews_of(result) -> dict:
    return {r.reviewer_id: r for r in result.reviews}


# The worked example. Weights 2 and 1.
#   reviewer A: X (5, 4) → 2·5 + 1·4 = 14;  Y (3, 2) → 2·3 + 2 = 8.   mean 11,   population SD 3
#   reviewer B: X (4, 4) → 12;              Y (4, 1) → 9.              mean 10.5, population SD 1.5
#   z: A on X (14 − 11) / 3 = +1, on Y −1;  B on X (12 − 10.5) / 1.5 = +1, on Y −1
X, Y = 1, 2
WORKED_ROWS = [
    *review(11, A, X, 5, 4),
    *review(12, A, Y, 3, 2),
    *review(21, B, X, 4, 4),
    *review(22, B, Y, 4, 1),
]


def worked_results():
    return compute_results(WORKED_ROWS, {X: app(X, "PAC-X"), Y: app(Y, "PAC-Y")}, WEIGHTS)


def test_weighted_totals_means_and_z_scores_of_each_review():
    results = by_reference(worked_results())
    x, y = reviews_of(results["PAC-X"]), reviews_of(results["PAC-Y"])
    assert (x[A].weighted_total, y[A].weighted_total, x[B].weighted_total, y[B].weighted_total) == (14, 8, 12, 9)
    assert (x[A].mean, y[A].mean, x[B].mean, y[B].mean) == (4.5, 2.5, 4.0, 2.5)
    assert x[A].z == pytest.approx(1.0) and y[A].z == pytest.approx(-1.0)
    assert x[B].z == pytest.approx(1.0) and y[B].z == pytest.approx(-1.0)


def test_the_population_sd_is_used_not_the_sample_sd():
    # with the sample SD (n − 1) A's z-scores would be ±0.707, not ±1
    results = by_reference(worked_results())
    assert reviews_of(results["PAC-X"])[A].z == pytest.approx(1.0)
    assert reviews_of(results["PAC-Y"])[B].z == pytest.approx(-1.0)


def test_application_mean_weighted_total_normalised_and_rank():
    results = worked_results()
    assert [r.application.reference for r in results] == ["PAC-X", "PAC-Y"]
    x, y = results
    assert x.review_count == y.review_count == 2
    assert x.mean == pytest.approx(4.25)  # (4.5 + 4) / 2
    assert y.mean == pytest.approx(2.5)  # (2.5 + 2.5) / 2
    assert x.weighted_total == pytest.approx(13.0)  # (14 + 12) / 2
    assert y.weighted_total == pytest.approx(8.5)  # (8 + 9) / 2
    assert x.normalised == pytest.approx(1.0) and y.normalised == pytest.approx(-1.0)
    assert (x.rank, y.rank) == (1, 2)
    # X: 5 vs 4 and 4 vs 4; Y: 3 vs 4 and 2 vs 1, all within one point
    assert x.disagreement == [] and y.disagreement == []


def test_a_difference_of_exactly_two_points_is_flagged_and_one_point_is_not():
    z = 3
    rows = [*review(31, A, z, 5, 3), *review(32, B, z, 3, 4)]
    [result] = compute_results(rows, {z: app(z, "PAC-Z")}, WEIGHTS)
    assert result.disagreement == [C1]  # C1: 5 − 3 = 2 flagged; C2: 4 − 3 = 1 not


def test_disagreement_looks_at_the_highest_and_lowest_of_all_reviewers():
    z = 3
    rows = [*review(31, A, z, 4, 3), *review(32, B, z, 3, 3), *review(33, C, z, 2, 4)]
    [result] = compute_results(rows, {z: app(z, "PAC-Z")}, WEIGHTS)
    assert result.disagreement == [C1]  # C1: 4, 3, 2 → range 2; C2: 3, 3, 4 → range 1


def test_a_single_review_cannot_disagree():
    [result] = compute_results(review(31, A, 3, 5, 1), {3: app(3, "PAC-Z")}, WEIGHTS)
    assert result.disagreement == []


def test_a_reviewer_with_one_review_contributes_z_zero():
    rows = [*WORKED_ROWS, *review(31, C, X, 1, 1)]
    results = by_reference(compute_results(rows, {X: app(X, "PAC-X"), Y: app(Y, "PAC-Y")}, WEIGHTS))
    x = results["PAC-X"]
    assert reviews_of(x)[C].weighted_total == 3 and reviews_of(x)[C].z == 0.0
    assert x.normalised == pytest.approx((1 + 1 + 0) / 3)
    assert x.weighted_total == pytest.approx((14 + 12 + 3) / 3)
    assert x.disagreement == [C1, C2]  # C1: 5, 4, 1; C2: 4, 4, 1


def test_a_reviewer_whose_totals_are_all_equal_contributes_z_zero():
    rows = [*review(11, A, X, 3, 3), *review(12, A, Y, 3, 3)]
    results = compute_results(rows, {X: app(X, "PAC-X"), Y: app(Y, "PAC-Y")}, WEIGHTS)
    assert [r.normalised for r in results] == [0.0, 0.0]
    assert [r.reviews[0].z for r in results] == [0.0, 0.0]


def test_normalisation_uses_reviews_of_applications_left_out_of_the_list():
    # only X is listed (e.g. a filter), but A's and B's reviews of Y still set their mean and SD
    [x] = compute_results(WORKED_ROWS, {X: app(X, "PAC-X")}, WEIGHTS)
    assert x.normalised == pytest.approx(1.0) and x.rank == 1


def test_ranks_are_within_role_and_region():
    p, q, r, s = 1, 2, 3, 4
    applications = {
        p: app(p, "PAC-P", role="ct", region=1),
        q: app(q, "PAC-Q", role="ct", region=2),
        r: app(r, "PAC-R", role="mentee", region=1),
        s: app(s, "PAC-S", role="ct", region=1),
    }
    rows = [*review(1, A, p, 2, 2), *review(2, A, q, 1, 1), *review(3, A, r, 1, 1), *review(4, A, s, 5, 5)]
    results = compute_results(rows, applications, WEIGHTS)
    assert [(x.application.reference, x.rank) for x in results] == [
        ("PAC-S", 1),
        ("PAC-P", 2),  # ct, region 1
        ("PAC-Q", 1),  # ct, region 2: alone, so first despite the lowest score
        ("PAC-R", 1),  # mentee, region 1
    ]


def test_ties_on_normalised_score_go_to_the_higher_weighted_total_then_the_reference():
    p, q, r, s = 1, 2, 3, 4
    applications = {n: app(n, f"PAC-{n}") for n in (p, q, r, s)}
    rows = [
        *review(1, A, p, 5, 5),
        *review(2, A, q, 1, 1),  # A: 15 and 3 → z +1, −1
        *review(3, B, r, 4, 4),
        *review(4, B, s, 2, 2),  # B: 12 and 6 → z +1, −1
    ]
    results = compute_results(rows, applications, WEIGHTS)
    assert [(x.application.reference, x.rank) for x in results] == [
        ("PAC-1", 1),
        ("PAC-3", 2),
        ("PAC-4", 3),
        ("PAC-2", 4),
    ]
    tied = compute_results(
        [*review(1, A, p, 5, 5), *review(2, B, q, 5, 5)], {q: app(q, "PAC-B"), p: app(p, "PAC-C")}, WEIGHTS
    )
    assert [(x.application.reference, x.rank) for x in tied] == [("PAC-B", 1), ("PAC-C", 2)]


def test_an_application_without_reviews_has_no_scores_and_no_rank():
    applications = {X: app(X, "PAC-X"), Y: app(Y, "PAC-Y"), 9: app(9, "PAC-A")}
    results = compute_results(WORKED_ROWS, applications, WEIGHTS)
    assert [r.application.reference for r in results] == ["PAC-X", "PAC-Y", "PAC-A"]
    empty = results[-1]
    assert (empty.mean, empty.weighted_total, empty.normalised, empty.rank) == (None, None, None, None)
    assert empty.review_count == 0 and empty.disagreement == []


def test_fractional_weights():
    weights = {C1: Decimal("1.50"), C2: Decimal("0.25")}
    [result] = compute_results(review(1, A, X, 3, 4), {X: app(X, "PAC-X")}, weights)
    assert result.weighted_total == pytest.approx(5.5)  # 1.5·3 + 0.25·4
    assert result.mean == pytest.approx(3.5)


# --- review_results, through the database ------------------------------------------------------------


def _submitted(application, reviewer, values, *, tier=Tier.APPLICATION, status=ReviewAssignment.Status.SUBMITTED):
    rubric = Rubric.objects.get(role=application.role, tier=tier, is_active=True)
    assignment = ReviewAssignment.objects.create(
        application=application, reviewer=reviewer, rubric=rubric, tier=tier, status=status, submitted_at=timezone.now()
    )
    criteria = list(rubric.criteria.all())
    values = [values] * len(criteria) if isinstance(values, int) else values
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=c, value=v) for c, v in zip(criteria, values, strict=True)
    )
    return assignment


def _scored_applications(program_year, reviewers, n, start=0):
    applications = ApplicationFactory.create_batch(n, program_year=program_year, stage=Stage.IN_REVIEW)
    for i, application in enumerate(applications, start=start):
        for j, reviewer in enumerate(reviewers):
            _submitted(application, reviewer, [1 + (i + j + k) % 5 for k in range(5)])
    return applications


@pytest.mark.django_db
def test_review_results_runs_in_the_same_number_of_queries_for_3_and_12_applications():
    year = ProgramYearFactory()
    reviewers = UserFactory.create_batch(3)
    _scored_applications(year, reviewers, 3)
    with CaptureQueriesContext(connection) as few:
        results = review_results(program_year=year)
        assert len(results) == 3 and all(r.review_count == 3 and r.rank for r in results)
    _scored_applications(year, reviewers, 9, start=3)
    with CaptureQueriesContext(connection) as many:
        results = review_results(program_year=year)
        assert len(results) == 12 and all(r.review_count == 3 and r.rank for r in results)
        # touching what the results page shows costs nothing more
        assert all(r.application.applicant.full_name and r.application.program.region.number for r in results)
    assert len(few) == len(many) == 3


@pytest.mark.django_db
def test_review_results_uses_the_rubric_weights(django_assert_num_queries):
    year = ProgramYearFactory()
    application = ApplicationFactory(program_year=year, stage=Stage.IN_REVIEW)
    reviewers = UserFactory.create_batch(3)
    for reviewer in reviewers:
        _submitted(application, reviewer, 3)
    with django_assert_num_queries(3):
        [result] = review_results(program_year=year)
    # the CT rubric's weights are 2, 1.5, 1, 1 and 1: 3 × 6.5
    assert result.weighted_total == pytest.approx(19.5)
    assert result.mean == pytest.approx(3.0) and result.normalised == 0.0 and result.rank == 1


@pytest.mark.django_db
def test_review_results_counts_only_submitted_reviews_of_the_tier():
    year = ProgramYearFactory()
    application = ApplicationFactory(program_year=year, stage=Stage.INTERVIEW)
    reviewers = UserFactory.create_batch(4)
    for reviewer in reviewers[:3]:
        _submitted(application, reviewer, 4)
    _submitted(application, reviewers[3], 1, status=ReviewAssignment.Status.IN_PROGRESS)
    _submitted(application, reviewers[0], 2, tier=Tier.INTERVIEW)
    [result] = review_results(program_year=year)
    assert result.review_count == 3 and result.mean == pytest.approx(4.0)
    [interview] = review_results(program_year=year, tier=Tier.INTERVIEW)
    assert interview.review_count == 1 and interview.mean == pytest.approx(2.0)


@pytest.mark.django_db
def test_review_results_leaves_out_applications_that_never_reached_review():
    year = ProgramYearFactory()
    reviewed = ApplicationFactory(program_year=year, stage=Stage.IN_REVIEW)
    for stage in (Stage.DRAFT, Stage.SUBMITTED, Stage.SCREENED_OUT):
        ApplicationFactory(program_year=year, stage=stage)
    assert [r.application for r in review_results(program_year=year)] == [reviewed]


@pytest.mark.django_db
def test_filtering_by_role_or_region_does_not_change_anyones_z_score():
    year = ProgramYearFactory()
    region1, region2 = RegionFactory(number=1), RegionFactory(number=2)
    reviewer = UserFactory()
    ct = ApplicationFactory(
        program_year=year,
        stage=Stage.IN_REVIEW,
        applicant=PersonFactory(with_account=True, program=ProgramFactory(region=region1)),
    )
    mentee = ApplicationFactory(
        program_year=year,
        stage=Stage.IN_REVIEW,
        role="mentee",
        applicant=PersonFactory(with_account=True, program=ProgramFactory(region=region2)),
    )
    _submitted(ct, reviewer, 5)
    _submitted(mentee, reviewer, 1)
    everything = {r.application.pk: r.normalised for r in review_results(program_year=year)}
    assert everything == {ct.pk: pytest.approx(1.0), mentee.pk: pytest.approx(-1.0)}
    [by_role] = review_results(program_year=year, role="ct")
    [by_region] = review_results(program_year=year, region="2")
    assert by_role.application == ct and by_role.normalised == pytest.approx(1.0)
    assert by_region.application == mentee and by_region.normalised == pytest.approx(-1.0)
