"""evaluation.exports: see the modules in this package."""
