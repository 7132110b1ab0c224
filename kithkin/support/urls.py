from django.urls import path

from kithkin.support import views

urlpatterns = [path("support/", views.support, name="support")]
