"""How the API describes a case's rows a page at a time, and what was merged in filing."""
from rest_framework import serializers


class PageSerializer(serializers.Serializer):
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Rows in all, on every page.")
    per_page = serializers.IntegerField()


class PagesSerializer(serializers.Serializer):
    locations = PageSerializer()
    works = PageSerializer()


class MergedSerializer(serializers.Serializer):
    locations = serializers.IntegerField(help_text="Repeated locations stored once.")
    works = serializers.IntegerField(help_text="Repeated works (every detail the same: "
                                               "title, kind, rights_holder and identifier, "
                                               "trimmed) stored once.")
