"""What coaching adds to earlier apps' pages (through pac.annotations)."""

from pac import annotations

# a started pair's workspace, linked from the pairings pages and the My work pairs panel
annotations.register_link("pair.workspace", "coaching:workspace")
