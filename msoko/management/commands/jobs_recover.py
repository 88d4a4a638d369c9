"""manage.py jobs_recover: what the beat job does every minute, by hand (or from cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from msoko.jobs import jobs_recover, worker_heartbeat_touch


class Command(BaseCommand):
    help = (
        "Помечает неудавшимися задачи, обработчик которых остановился, и снова отправляет "
        "в очередь задачи, сообщение о которых потерялось."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        worker_heartbeat_touch()
        recovered = jobs_recover()
        self.stdout.write(
            f"Помечено неудавшимися: {recovered.failed}; отправлено снова: {recovered.resent}; "
            f"ждут очереди: {recovered.waiting}."
        )
