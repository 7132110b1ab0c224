from django.urls import path, re_path

from kithkin.plans import feed_views

urlpatterns = [
    path("plans/calendar/", feed_views.calendar, name="plans_calendar"),
    path("plans/<id:pk>/plan.ics", feed_views.plan_ics, name="plan_ics"),
    # Feed tokens are URL-safe base64 (plans.models.new_feed_token).
    re_path(
        r"^calendar/(?P<token>[A-Za-z0-9_-]{1,64})\.ics$", feed_views.feed, name="calendar_feed"
    ),
]
