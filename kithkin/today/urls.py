from django.urls import path

from kithkin.today import views

urlpatterns = [path("today/", views.today, name="today")]
