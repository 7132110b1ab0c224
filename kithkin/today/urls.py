from django.urls import path

from kithkin.today import views

urlpatterns = [
    path("today/", views.today, name="today"),
    path("today/energy/", views.set_energy, name="set_energy"),
    path("today/suggestions/<id:pk>/", views.respond, name="respond"),
    path("today/suggestions/<id:pk>/tone/", views.change_tone, name="change_tone"),
    path("today/waiting/", views.waiting, name="waiting"),
    path("today/waiting/<id:pk>/done/", views.stop_waiting, name="stop_waiting"),
    path("today/messages/", views.saved_messages, name="saved_messages"),
    path("today/messages/<id:pk>/delete/", views.delete_saved_message, name="delete_saved_message"),
    path("today/ideas/", views.ideas, name="ideas"),
    path("today/ideas/<id:pk>/toggle/", views.toggle_idea, name="toggle_idea"),
    path("today/notes/<id:pk>/seen/", views.partner_note_seen, name="partner_note_seen"),
]
