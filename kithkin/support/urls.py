from django.urls import path

from kithkin.support import views

urlpatterns = [
    path("support/", views.support, name="support"),
    path("support/plan/", views.safety_plan, name="safety_plan"),
    path("support/plan/edit/", views.edit_safety_plan, name="edit_safety_plan"),
    path("support/plan/clear/", views.clear_safety_plan, name="clear_safety_plan"),
    path("support/struggling/", views.struggling, name="struggling"),
    path("support/card/dismiss/", views.dismiss_card, name="support_card_dismiss"),
]
