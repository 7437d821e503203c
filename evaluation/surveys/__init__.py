"""evaluation.surveys: see the modules in this package."""
