"""My work panels and navigation for observations and analytics."""
