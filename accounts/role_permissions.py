"""The model permissions of each role group (object scoping lives in scoping.py)."""

from __future__ import annotations

VIEW_ALL = [
    "accounts.view_user",
    "stores.view_store",
    "stores.view_category",
    "stores.view_storereviewlog",
    "orders.view_order",
    "orders.view_orderitem",
    "orders.view_refund",
    "disputes.view_dispute",
    "disputes.view_disputeevent",
    "disputes.view_message",
    "disputes.view_evidence",
    "disputes.view_evidencerequest",
    "disputes.view_ruling",
    "disputes.view_appeal",
    "disputes.view_qualityreview",
    "disputes.view_platformrule",
    "disputes.view_policyversion",
    "disputes.view_cannedreply",
    "disputes.view_macro",
    "disputes.view_reasoningtemplate",
    "webhooks.view_webhookendpoint",
    "webhooks.view_webhookdelivery",
    "stores.view_governancerule",
    "stores.view_governanceaction",
    "stores.view_governanceappeal",
    "stores.view_governancenotice",
    "reports.view_storehealth",
    "reports.view_casecontest",
]
CASE_WORK = [
    "disputes.change_dispute",
    "disputes.add_message",
    "disputes.add_evidence",
    "disputes.add_evidencerequest",
    "disputes.add_ruling",
    "disputes.add_platformrule",
    "stores.change_store",
    "disputes.add_cannedreply",
    "disputes.change_cannedreply",
]
# Supervisors see failed sign-ins and unlock an account by deleting its attempts.
SIGN_IN_LOCKS = [
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accessfailurelog",
    "axes.view_accesslog",
]
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "buyer": [
        "orders.view_order",
        "disputes.add_dispute",
        "disputes.view_dispute",
        "disputes.add_message",
        "disputes.add_evidence",
        "disputes.view_platformrule",
    ],
    "merchant": [
        "orders.view_order",
        "stores.view_store",
        "disputes.view_dispute",
        "disputes.add_message",
        "disputes.add_evidence",
        "disputes.view_platformrule",
    ],
    "agent": VIEW_ALL + CASE_WORK,
    "supervisor": [
        *VIEW_ALL,
        *CASE_WORK,
        "disputes.change_appeal",
        "orders.add_order",
        "disputes.add_macro",
        "disputes.change_macro",
        "disputes.add_reasoningtemplate",
        "disputes.change_reasoningtemplate",
        "stores.change_governanceaction",
        "stores.change_governanceappeal",
        "reports.change_casecontest",
        "disputes.add_policyversion",
        *SIGN_IN_LOCKS,
    ],
    "manager": VIEW_ALL,
}


def sync_role_groups(group_model, permission_model, using: str = "default") -> None:
    """Create the five groups and give each exactly its permissions."""
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.using(using).get_or_create(name=role)
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            wanted.extend(
                permission_model.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)
