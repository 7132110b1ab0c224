from django.urls import include, path

from kithkin.plans import views

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<id:pk>/", views.plan, name="plan"),
    path("plans/<id:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<id:pk>/delete/", views.plan_delete, name="plan_delete"),
    path("plans/<id:pk>/end/", views.plan_end, name="plan_end"),
    path("plans/<id:pk>/rsvp/", views.plan_rsvp, name="plan_rsvp"),
    path("plans/<id:pk>/done/", views.plan_done, name="plan_done"),
    path("plans/<id:pk>/cancel-one/", views.plan_cancel_one, name="plan_cancel_one"),
    path("plans/<id:pk>/share/", views.plan_share_link, name="plan_share_link"),
    path("plans/<id:pk>/leave/", views.plan_leave, name="plan_leave"),
    path(
        "plans/<id:pk>/guests/<id:guest_pk>/remove/",
        views.plan_remove_guest,
        name="plan_remove_guest",
    ),
    path("plans/join/<str:token>/", views.plan_join, name="plan_join"),
    path("", include("kithkin.plans.feed_urls")),
    path("", include("kithkin.plans.community_urls")),
]
