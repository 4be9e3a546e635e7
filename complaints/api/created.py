"""The answer to a filing: the case as filed, and what was merged on the way in."""
from rest_framework import serializers

from complaints.api.pages import MergedSerializer
from complaints.api.serializers import CaseDetailSerializer


class CaseCreatedSerializer(CaseDetailSerializer):
    merged_duplicates = MergedSerializer(
        read_only=True, help_text="How many rows repeated an earlier one and were merged.")
    notes = serializers.ListField(
        child=serializers.CharField(), read_only=True,
        help_text="What we did with what you sent that you may not expect, in sentences "
                  "(e.g. repeated locations stored once).")

    class Meta(CaseDetailSerializer.Meta):
        fields = [*CaseDetailSerializer.Meta.fields, "merged_duplicates", "notes"]
