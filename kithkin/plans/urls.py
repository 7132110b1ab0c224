from django.urls import path

from kithkin.plans import views

urlpatterns = [path("plans/", views.plans, name="plans")]
