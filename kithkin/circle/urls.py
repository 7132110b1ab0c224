from django.urls import path

from kithkin.circle import imports, views

urlpatterns = [
    path("people/", views.circle, name="people"),
    path("people/new/", views.add_person, name="add_person"),
    path("people/import/", imports.upload, name="import_contacts"),
    path("people/import/<id:pk>/", imports.preview, name="import_preview"),
    path("people/export.vcf", imports.export_vcf, name="export_contacts"),
    # The same file as log/export.csv, at the address the people page first had.
    path("people/contacts.csv", imports.export_interactions_csv, name="export_contacts_csv"),
    path("people/<id:pk>/", views.person, name="person"),
    path("people/<id:pk>/edit/", views.edit_person, name="edit_person"),
    path("people/<id:pk>/archive/", views.archive_person, name="archive_person"),
    path("people/<id:pk>/delete/", views.delete_person, name="delete_person"),
    path("people/<id:pk>/dates/", views.add_date, name="add_date"),
    path("people/<id:pk>/dates/<id:date_pk>/delete/", views.delete_date, name="delete_date"),
    path("log/", views.log_interaction, name="log_interaction"),
    path("log/export.csv", imports.export_interactions_csv, name="export_interactions_csv"),
    path("log/<id:pk>/", views.edit_interaction, name="edit_interaction"),
    path("log/<id:pk>/feeling/", views.set_feeling, name="set_feeling"),
    path("log/<id:pk>/delete/", views.delete_interaction, name="delete_interaction"),
    path("log/<id:pk>/undo/", views.undo_delete, name="undo_delete"),
]
