"""The agents' tools: macros (several steps in one click) and reasoning
templates (how a rule is usually explained), both kept by supervisors."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Party
from .decisions import PlatformRule


class Macro(models.Model):
    """Up to three steps, run in this order: a message, an evidence request,
    start mediation. Each step goes through its normal service; if one is not
    available, none of them is kept."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    message = models.TextField(_("message"), blank=True)
    message_internal = models.BooleanField(
        _("as an internal note"),
        default=False,
        help_text=_("Internal notes are never shown to the buyer or the merchant."),
    )
    evidence_party = models.CharField(
        _("ask for evidence from"), max_length=16, choices=Party.choices, blank=True
    )
    evidence_what = models.TextField(_("evidence needed"), blank=True)
    evidence_hours = models.PositiveIntegerField(
        _("evidence due in (hours)"),
        null=True,
        blank=True,
        help_text=_("Empty: the evidence deadline of the case's policy."),
    )
    start_mediation = models.BooleanField(_("then start mediation"), default=False)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if bool(self.evidence_party) != bool(self.evidence_what.strip()):
            raise ValidationError(
                _("An evidence request needs both the party and what is needed.")
            )
        if self.evidence_hours is not None and not self.evidence_party:
            raise ValidationError(
                {"evidence_hours": _("Only an evidence request has a due time.")}
            )
        if not (self.message.strip() or self.evidence_party or self.start_mediation):
            raise ValidationError(_("A macro needs at least one step."))


class ReasoningTemplate(models.Model):
    """A starting text for the reasoning of a ruling under one rule version.

    Placeholders in braces are filled in for the case at hand: {amount},
    {refundable}, {order_total}, {order}, {opened}, {delivered}, {store},
    {rule}. The agent edits the text; the ruling keeps the final words.
    """

    rule = models.ForeignKey(
        PlatformRule,
        on_delete=models.PROTECT,
        related_name="reasoning_templates",
        verbose_name=_("rule version"),
    )
    title = models.CharField(_("title"), max_length=80)
    text = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {amount} {refundable} {order_total} {order} {opened} "
            "{delivered} {store} {rule}"
        ),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reasoning template")
        verbose_name_plural = _("reasoning templates")
        ordering = ["rule", "title"]

    def __str__(self) -> str:
        return f"{self.title} · {self.rule}"
