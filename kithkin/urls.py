from django.urls import include, path, register_converter

from kithkin.api.api import api
from kithkin.lib.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("kithkin.front.urls")),
    path("", include("kithkin.accounts.urls")),
    path("", include("kithkin.support.urls")),
    path("", include("kithkin.today.urls")),
    path("", include("kithkin.circle.urls")),
    path("", include("kithkin.wellbeing.urls")),
    path("", include("kithkin.plans.urls")),
    path("", include("kithkin.partners.urls")),
    path("", include("kithkin.nudges.urls")),
    path("api/v1/", api.urls),
]

handler404 = "kithkin.front.views.page_not_found"
handler500 = "kithkin.front.views.server_error"
