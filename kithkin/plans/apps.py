from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "kithkin.plans"
