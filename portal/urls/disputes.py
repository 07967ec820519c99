from django.urls import path

from portal.views import disputes as views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_new, name="new"),
    path("rules/", views.rules, name="rules"),
    path("rules/<slug:code>/v<int:version>/", views.rule_version, name="rule_version"),
    path("<str:number>/", views.dispute_detail, name="detail"),
    path("<str:number>/actions/<str:action>/", views.dispute_action, name="action"),
    path("<str:number>/messages/", views.dispute_message, name="message"),
    path("<str:number>/evidence/", views.dispute_evidence, name="evidence"),
    path("<str:number>/bundle/", views.dispute_bundle, name="bundle"),
    path(
        "<str:number>/evidence/<int:pk>/",
        views.evidence_download,
        name="evidence_download",
    ),
]
