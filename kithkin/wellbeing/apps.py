from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "kithkin.wellbeing"
