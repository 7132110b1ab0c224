from django.apps import AppConfig


class CircleConfig(AppConfig):
    name = "kithkin.circle"
