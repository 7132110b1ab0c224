from django.urls import include, path

from kithkin.plans import views

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("", include("kithkin.plans.feed_urls")),
    path("", include("kithkin.plans.community_urls")),
]
