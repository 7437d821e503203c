"""evaluation.reviews: see the modules in this package."""
