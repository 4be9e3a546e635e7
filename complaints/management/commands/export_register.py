"""Write the training-use register for the data pipeline, exactly as /api/v1/register/
answers it:

    python manage.py export_register --format jsonl --updated-since 2026-11-01T00:00:00Z \
        --output register.jsonl

Without --output it writes to standard output."""
from django.core.management.base import BaseCommand, CommandError

from complaints.domain.moments import MomentError, moment_parse
from complaints.selectors.register import FORMATS, register_export_lines


class Command(BaseCommand):
    help = "Export the training-use register as JSON lines or CSV (as /api/v1/register/)."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=FORMATS, default="jsonl")
        parser.add_argument("--updated-since", default="",
                            help="Only entries changed at or after this time (RFC 3339 with "
                                 "its zone, e.g. 2026-11-01T00:00:00+09:00).")
        parser.add_argument("--output", default="", help="A file to write (default: stdout).")

    def handle(self, *args, **options):
        since = None
        if options["updated_since"]:
            try:
                since = moment_parse(options["updated_since"])
            except MomentError as exc:
                raise CommandError(f"--updated-since: {exc.message}") from exc
        lines = register_export_lines(fmt=options["format"], updated_since=since)
        if not options["output"]:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        count = 0
        with open(options["output"], "w", encoding="utf-8", newline="") as out:
            for line in lines:
                out.write(line)
                count += 1
        if options["format"] == "csv":
            count -= 1  # the header line
        self.stderr.write(f"{count} entries written to {options['output']}.")
