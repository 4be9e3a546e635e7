"""A counter-notice's 512(g)(3) elements, beside the case that carries it: which removed
outputs it answers, who sends it and where they can be served, the statements they make,
and where the restore stands (the copy to the complainant, the window, a court action)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from complaints.models.cases import Case, OutputLocation


class CounterNotice(models.Model):
    class State(models.TextChoices):
        AWAITING_RESTORE = "awaiting_restore", _("Awaiting restore")
        RESTORED = "restored", _("Restored")
        COURT_ACTION = "court_action", _("Not restored: court action reported")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="counter_notice",
                                verbose_name=_("counter-notice case"))
    # Its own link, not Case.appeal_of: an appeal there would block the complainant's own
    # appeal and be read as a reversal of the complaint's decision.
    complaint = models.ForeignKey(Case, on_delete=models.PROTECT,
                                  related_name="counter_notices",
                                  verbose_name=_("complaint answered"))
    locations = models.ManyToManyField(OutputLocation, related_name="counter_notices",
                                       verbose_name=_("removed outputs"))
    full_name = models.CharField(_("full name"), max_length=200)
    postal_address = models.TextField(_("postal address"))
    outside_us = models.BooleanField(_("address outside the United States"), default=False)
    phone = models.CharField(_("telephone number"), max_length=50)
    email = models.EmailField(_("e-mail address"))
    mistake_statement = models.BooleanField(_("statement of mistake or misidentification"))
    jurisdiction_consent = models.BooleanField(_("consent to jurisdiction and service"))
    signature = models.CharField(_("signature (typed full name)"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=State.choices,
                             default=State.AWAITING_RESTORE)
    copy_sent_at = models.DateTimeField(_("copy to the complainant sent at"), null=True,
                                        blank=True)
    restore_after = models.DateTimeField(_("restore not before"), null=True, blank=True)
    restore_by = models.DateTimeField(_("restore not after"), null=True, blank=True)
    restored_at = models.DateTimeField(_("restored at"), null=True, blank=True)
    court = models.CharField(_("court"), max_length=200, blank=True)
    court_case_number = models.CharField(_("court case number"), max_length=100, blank=True)
    court_filed_on = models.DateField(_("court action filed on"), null=True, blank=True)
    court_reported_at = models.DateTimeField(_("court action reported at"), null=True,
                                             blank=True)
    court_reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("court action reported by"))

    class Meta:
        verbose_name = _("counter-notice")
        verbose_name_plural = _("counter-notices")

    def __str__(self):
        return self.case.reference or f"#{self.pk}"
