"""Write the answer-quality screen's roll-ups from scratch, from the cases:

    python manage.py quality_tallies_rebuild

The services keep them in step with every change, so this is for data written around
them: a restore, a bulk import, a bench seed. It replaces every row in one transaction
(the screen shows the old rows until it commits); a few grouped queries, then bulk
inserts."""
import time

from django.core.management.base import BaseCommand

from complaints.services.quality import quality_tallies_rebuild


class Command(BaseCommand):
    help = "Rebuild the answer-quality roll-ups from the cases."

    def handle(self, *args, **options):
        started = time.monotonic()
        rows = quality_tallies_rebuild()
        self.stdout.write(self.style.SUCCESS(
            f"Wrote {rows} answer-quality roll-up rows in {time.monotonic() - started:.1f} s."))
