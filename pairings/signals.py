"""What pairings announces to the apps built on it, which it may not import (the layers run one
way: tests/test_layers.py). A later app connects its receiver in its AppConfig.ready."""

from django.dispatch import Signal

# Sent by services.pair_confirm inside its transaction, once the pair is active and has its start
# date, with ``pair`` and ``actor``. Coaching opens the pair's first 30-day report on it, so no page
# has to make one on GET; a receiver that fails undoes the confirmation.
pair_confirmed = Signal()
