from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "kithkin.partners"
