"""The answer-quality screen's roll-ups: its counts, added up per hour and per day.

One row per (grain, start, person, kind of case, answer category) holding the screen's
counts for that bucket (complaints.selectors.quality says what each count is). The
services that change a figure keep the rows in step in the same transaction
(complaints.services.quality); `quality_tallies_rebuild` writes them from scratch.
Hours and days are UTC hours and days: any period in any time zone is whole days, whole
hours and at most two pieces under an hour, which the screen counts from the cases."""
from django.db import models
from django.utils.translation import gettext_lazy as _

# The counts a row holds, in a fixed order (the upsert and the screen read them so).
TALLY_COUNTS = (
    "decided", "decision_timed", "decision_on_time", "first_given", "first_on_time",
    "feedback_given", "feedback_helpful", "appeals_filed", "appeals_decided",
    "appeals_upheld", "answers",
)


class QualityTally(models.Model):
    class Grain(models.TextChoices):
        HOUR = "hour", _("hour")
        DAY = "day", _("day")

    grain = models.CharField(_("grain"), max_length=4, choices=Grain.choices)
    starts_at = models.DateTimeField(_("starts at"))
    # The person credited (a user's id); 0 when nobody was recorded. No foreign key: users
    # are never deleted once they have decided or answered (PROTECT), and a roll-up row
    # must never block or cascade anything.
    person_id = models.IntegerField(_("person"))
    kind = models.CharField(_("kind of case"), max_length=24)
    # The answer category for rows counting answered questions; blank for the rest.
    category = models.CharField(_("answer category"), max_length=16, blank=True)
    decided = models.IntegerField(default=0)
    decision_timed = models.IntegerField(default=0)
    decision_on_time = models.IntegerField(default=0)
    first_given = models.IntegerField(default=0)
    first_on_time = models.IntegerField(default=0)
    feedback_given = models.IntegerField(default=0)
    feedback_helpful = models.IntegerField(default=0)
    appeals_filed = models.IntegerField(default=0)
    appeals_decided = models.IntegerField(default=0)
    appeals_upheld = models.IntegerField(default=0)
    answers = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("answer-quality tally")
        verbose_name_plural = _("answer-quality tallies")
        constraints = [models.UniqueConstraint(
            fields=["grain", "starts_at", "person_id", "kind", "category"],
            name="quality_tally_bucket_unique")]

    def __str__(self):
        return f"{self.grain} {self.starts_at:%Y-%m-%d %H:00} {self.person_id} {self.kind}"
