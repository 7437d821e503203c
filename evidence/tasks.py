"""Video evidence's Celery tasks: each takes an id, reads fresh state and is safe to run twice."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def clip_process_task(clip_id: int) -> bool:
    """Transcode a clip and make its poster (a clip already processed is left alone)."""
    from .services import clip_process

    return clip_process(clip_id=clip_id)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def evidence_sweep_task() -> dict:
    """Hourly (pac.settings CELERY_BEAT_SCHEDULE): retention, abandoned uploads, clips waiting for a worker."""
    from .services import evidence_sweep

    return evidence_sweep()
