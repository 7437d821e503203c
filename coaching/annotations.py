"""What coaching adds to earlier apps' pages (through pac.annotations)."""

from pac import annotations

from .participation import orientation_attended

# a started pair's workspace, linked from the pairings pages and the My work pairs panel
annotations.register_link("pair.workspace", "coaching:workspace")

# orientation attendance, for pairings' check before a pair is confirmed (when the year requires it)
annotations.provide(annotations.ORIENTATION_ATTENDED, orientation_attended)
