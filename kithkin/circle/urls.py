from django.urls import path

from kithkin.circle import views

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
]
