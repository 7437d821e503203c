"""What video evidence adds to earlier apps' pages (through pac.annotations)."""

from pac import annotations

from . import selectors

# the coaching workspace's link to the pair's clips
annotations.register_link("pair.clips", "evidence:clips")
annotations.register_link("evidence.staff", "evidence:staff")
# the pair progress report, the six-month coach review and staff's coaching overview
annotations.provide(annotations.CLIP_FIGURES, selectors.clip_figures)
annotations.provide(annotations.COACH_CLIP_FIGURES, selectors.coach_figures)
annotations.provide(annotations.CLIPS_WAITING, selectors.waiting_long_count)
