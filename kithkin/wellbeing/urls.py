from django.urls import include, path

urlpatterns = [
    path("", include("kithkin.wellbeing.checkin_urls")),
    path("", include("kithkin.wellbeing.insight_urls")),
    path("", include("kithkin.wellbeing.goal_urls")),
]
