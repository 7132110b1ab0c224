from django.urls import path

from kithkin.wellbeing import checkins

urlpatterns = [
    path("checkin/", checkins.checkin, name="checkin"),
]
