"""Formative interviews (issue 13): staff schedule, the interviewer records, staff and the year's
Advisory Panel read them on the coach's six-month review, evaluators get the closed answers
de-identified. See docs/advisory-panel-and-interviews.md."""
