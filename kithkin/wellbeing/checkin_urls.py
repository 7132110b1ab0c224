from django.urls import path

from kithkin.wellbeing import views

urlpatterns = [
    path("checkin/", views.checkin, name="checkin"),
]
