from django.urls import path

from kithkin.wellbeing import goal_views
from kithkin.wellbeing.summary import summary

urlpatterns = [
    path("goals/", goal_views.goal_list, name="goals"),
    path("goals/new/", goal_views.goal_new, name="goal_new"),
    path("goals/<id:pk>/", goal_views.goal_detail, name="goal_detail"),
    path("goals/<id:pk>/edit/", goal_views.goal_edit, name="goal_edit"),
    path("goals/<id:pk>/skip/", goal_views.goal_skip, name="goal_skip"),
    path(
        "goals/<id:pk>/skip/<id:skip_pk>/remove/",
        goal_views.goal_skip_remove,
        name="goal_skip_remove",
    ),
    path("goals/<id:pk>/set-aside/", goal_views.goal_archive, name="goal_archive"),
    path("goals/<id:pk>/restore/", goal_views.goal_restore, name="goal_restore"),
    path("goals/<id:pk>/delete/", goal_views.goal_delete, name="goal_delete"),
    path("insights/summary/", summary, name="summary"),
]
