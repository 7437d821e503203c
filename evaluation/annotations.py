"""What evaluation adds to earlier apps' pages (through pac.annotations)."""

from pac import annotations

from . import coach_reviews

# a returning coach's last six-month-review decision, on the staff application page and in pairing
annotations.provide(annotations.PRIOR_DECISIONS, coach_reviews.prior_decisions)
# the coaching workspace's links to the pair's CLASS growth and progress report
annotations.register_link("pair.growth", "evaluation:pair_growth")
annotations.register_link("pair.progress_pdf", "evaluation:pair_progress_pdf")
