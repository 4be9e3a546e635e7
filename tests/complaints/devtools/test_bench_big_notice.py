"""`manage.py bench_big_notice`: the three ways of filing, the pages, one JSON line (small sizes
here; the figures in the README come from the defaults)."""
import json

import pytest
from django.core.management import call_command

from complaints.models import Case

pytestmark = pytest.mark.django_db


def test_bench_big_notice_files_three_ways_and_prints_figures(capsys, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    call_command("bench_big_notice", locations=250, works=20, page=100)
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert Case.objects.count() == 3  # one request, draft pages, the portal's paste boxes
    assert [case.locations.count() for case in Case.objects.all()] == [250, 250, 250]
    assert [case.works.count() for case in Case.objects.all()] == [20, 20, 20]
    assert result["portal_paste"]["requests"] == 2  # the form (review), then Send
    assert result["draft"]["requests"] == 1 + 3 + 1 + 1  # open, 3+1 pages, submit
    for phase in ("one_request", "draft", "portal_paste", "api_detail", "case_page",
                  "desk_case_page", "queue"):
        assert result[phase]["ms"] > 0 and result[phase]["statements"] > 0, phase
        assert result[phase]["peak_mb"] >= 0
