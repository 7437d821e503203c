"""Clips for tests: a small generated video uploaded through the services as a person would (in
pieces), then processed, so every test's clip went through the real path."""

from __future__ import annotations

import datetime
import io
import shutil
from pathlib import Path

from django.utils import timezone

from evidence import services
from evidence.models import Clip, ClipUpload
from pac.models import AgeGroup


def details(**overrides) -> dict:
    data = {
        "title": "Small-group read-aloud",
        "recorded_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
        "setting": "Preschool room, small group",
        "age_group": AgeGroup.objects.order_by("order").values_list("pk", flat=True).first(),
        "goal": None,
        "captions": "",
        "replaces": None,
        "consent": True,
    }
    data.update(overrides)
    return data


def upload(pair, user, path: Path, *, pieces: int = 3, **overrides) -> ClipUpload:
    """Start an upload and send the file in ``pieces`` chunks."""
    data = Path(path).read_bytes()
    started = services.upload_start(
        pair=pair, actor=user, details=details(**overrides), filename=Path(path).name, size=len(data)
    )
    step = -(-len(data) // pieces)
    for offset in range(0, len(data), step):
        piece = data[offset : offset + step]
        started = services.upload_chunk(
            upload=started, actor=user, offset=offset, stream=io.BytesIO(piece), length=len(piece)
        )
        if started.status != ClipUpload.Status.OPEN:
            break  # refused, or complete
    return started


def ready_clip(pair, user=None, path: Path | None = None, **overrides) -> Clip:
    """A clip shared by the mentee (or ``user``), processed and ready to play."""
    user = user or pair.mentee.user
    done = upload(pair, user, path, **overrides)
    assert done.clip_id, done.reason
    services.clip_process(clip_id=done.clip_id)
    return Clip.objects.get(pk=done.clip_id)


def copy_clip(source: Path, target: Path) -> Path:
    shutil.copyfile(source, target)
    return target
