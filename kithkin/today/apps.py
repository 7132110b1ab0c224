from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def sync_catalog(using: str = "default", **kwargs: Any) -> None:
    """Keep the shared idea catalog in the database equal to today/data/ideas.json.

    Runs after every `migrate`, so a new or reworded idea in the data file reaches
    every server with its next migrate. Ideas are matched by slug; none is deleted,
    because earlier suggestions point at them.
    """
    from kithkin.today import catalog
    from kithkin.today.models import Idea

    for idea in catalog.ideas():
        Idea.objects.using(using).update_or_create(
            owner=None,
            slug=idea.slug,
            defaults={
                "title": idea.title,
                "effort": idea.effort,
                "energies": sorted(idea.energy),
                "target": idea.target,
                "channel": idea.channel,
                "kind": idea.kind,
                "time_of_day": idea.time_of_day or "",
                "situation": idea.situation or "",
                "why": idea.why,
                "basis": idea.basis,
            },
        )


class TodayConfig(AppConfig):
    name = "kithkin.today"

    def ready(self) -> None:
        post_migrate.connect(sync_catalog, sender=self)
