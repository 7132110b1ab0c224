from django.apps import AppConfig


class TodayConfig(AppConfig):
    name = "kithkin.today"
