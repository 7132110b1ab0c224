from django.urls import path

from kithkin.wellbeing import checkins, measures

urlpatterns = [
    path("checkin/", checkins.checkin, name="checkin"),
    path("checkin/history/", checkins.checkin_history, name="checkin_history"),
    path("checkin/<id:pk>/delete/", checkins.checkin_delete, name="checkin_delete"),
    path("checkin/export.csv", checkins.checkins_csv, name="checkins_csv"),
    path("checkin/measures/", measures.measures, name="measures"),
    path("checkin/measures/result/<id:pk>/", measures.measure_result, name="measure_result"),
    path("checkin/measures/<slug:kind>/", measures.measure_take, name="measure_take"),
]
