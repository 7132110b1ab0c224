from django.urls import path

from kithkin.partners import views

urlpatterns = [
    path("partners/", views.partners, name="partners"),
    path("partners/new/", views.partner_new, name="partner_new"),
    path("partners/<id:pk>/", views.partner, name="partner"),
    path("partners/<id:pk>/edit/", views.partner_edit, name="partner_edit"),
    path("partners/<id:pk>/invite/", views.partner_invite, name="partner_invite"),
    path("partners/<id:pk>/shares/", views.partner_shares, name="partner_shares"),
    path("partners/<id:pk>/alerts/", views.partner_alerts, name="partner_alerts"),
    path("partners/<id:pk>/revoke/", views.partner_revoke, name="partner_revoke"),
    path("partners/accept/<str:token>/", views.partner_accept, name="partner_accept"),
    path("partners/shared/", views.shared_with_me, name="shared_with_me"),
    path("partners/shared/<id:pk>/", views.shared_view, name="shared_view"),
    path("partners/shared/<id:pk>/note/", views.partner_send_note, name="partner_send_note"),
]
