from django.urls import path

from kithkin.wellbeing import views

urlpatterns = [
    path("insights/", views.insights, name="insights"),
]
