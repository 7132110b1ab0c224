from django.urls import path

from kithkin.nudges import views

urlpatterns = [
    path("settings/reminders/", views.reminders, name="reminders"),
    path("settings/reminders/channels/new/", views.channel_new, name="channel_new"),
    path("settings/reminders/channels/<id:pk>/test/", views.channel_test, name="channel_test"),
    path(
        "settings/reminders/channels/<id:pk>/delete/", views.channel_delete, name="channel_delete"
    ),
    path(
        "settings/reminders/channels/<id:pk>/toggle/", views.channel_toggle, name="channel_toggle"
    ),
    path("settings/reminders/push/", views.push_subscribe, name="push_subscribe"),
    path("settings/reminders/push/key/", views.push_key, name="push_key"),
    # At the root, so the service worker may show notifications for the whole site.
    path("sw.js", views.service_worker, name="service_worker"),
]
