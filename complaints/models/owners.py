"""The owner of an AI output: the AI product's user who generated or posted it, as the
product knows them. Owners need no Kotae password; they reach what concerns their output
through a signed link (complaints.services.owners)."""
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Language


class OutputOwner(models.Model):
    ai_product = models.CharField(_("AI product"), max_length=200, db_index=True)
    account_id = models.CharField(_("account id in the product"), max_length=200, blank=True)
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    # Empty: the language of the complaint's answers (the owner can switch on their page).
    language = models.CharField(_("language"), max_length=2, blank=True,
                                choices=Language.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("output owner")
        verbose_name_plural = _("output owners")
        # The AI product's account (accounts.models.Role.PRODUCT) holds it.
        permissions = [("act_for_product", _("Can act for the AI product"))]
        constraints = [models.UniqueConstraint(
            fields=["ai_product", "account_id"], condition=~models.Q(account_id=""),
            name="owner_product_account_unique")]

    def __str__(self):
        return self.handle or self.account_id or self.email or f"#{self.pk}"
