"""The agents' workbench on the stock Django admin: cases, rules, stores.

Every state change made here calls a function in `disputes.services` (or
`stores.services`); the admin never saves a state itself.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .cases import DisputeAdmin
from .governance import (
    CaseContestAdmin,
    GovernanceActionAdmin,
    GovernanceAppealAdmin,
    GovernanceRuleAdmin,
)
from .orders import OrderAdmin, RefundAdmin
from .policies import PolicyVersionAdmin
from .quality import QualityReviewAdmin
from .records import (
    AppealAdmin,
    CannedReplyAdmin,
    MacroAdmin,
    PlatformRuleAdmin,
    ReasoningTemplateAdmin,
    RulingAdmin,
)
from .signins import SignInAttemptAdmin, SignInFailureAdmin, SignInLogAdmin
from .stores import CategoryAdmin, StoreAdmin

admin.site.site_header = _("Dispute workbench")
admin.site.site_title = _("Dispute workbench")
admin.site.index_title = _("Workbench")
# The workbench pages are wide (queue, case page): breadcrumbs replace the sidebar.
admin.site.enable_nav_sidebar = False

__all__ = [
    "AppealAdmin",
    "CannedReplyAdmin",
    "CaseContestAdmin",
    "CategoryAdmin",
    "DisputeAdmin",
    "GovernanceActionAdmin",
    "GovernanceAppealAdmin",
    "GovernanceRuleAdmin",
    "MacroAdmin",
    "OrderAdmin",
    "PlatformRuleAdmin",
    "PolicyVersionAdmin",
    "QualityReviewAdmin",
    "ReasoningTemplateAdmin",
    "RefundAdmin",
    "RulingAdmin",
    "SignInAttemptAdmin",
    "SignInFailureAdmin",
    "SignInLogAdmin",
    "StoreAdmin",
]
