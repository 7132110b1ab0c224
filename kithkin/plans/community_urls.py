from django.urls import path

from kithkin.plans import community_views as views

urlpatterns = [
    path("plans/communities/", views.communities, name="communities"),
    path("plans/communities/new/", views.community_new, name="community_new"),
    path("plans/communities/<id:pk>/", views.community, name="community"),
    path("plans/communities/<id:pk>/edit/", views.community_edit, name="community_edit"),
    path("plans/communities/<id:pk>/delete/", views.community_delete, name="community_delete"),
    path("plans/places/", views.places, name="places"),
    path("plans/places/new/", views.place_new, name="place_new"),
    path("plans/places/<id:pk>/edit/", views.place_edit, name="place_edit"),
    path("plans/places/<id:pk>/delete/", views.place_delete, name="place_delete"),
]
