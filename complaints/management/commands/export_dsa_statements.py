"""Write the statements of reasons for the EU DSA Transparency Database as JSON lines, one
statement a line in the database's fields, for a platform that uploads them in batches:

    python manage.py export_dsa_statements --since 2026-11-01T00:00:00Z \
        --output statements.jsonl

Without --output it writes to standard output; without --since, every statement."""
import json

from django.core.management.base import BaseCommand, CommandError

from complaints.domain.moments import MomentError, moment_parse
from complaints.services.dsa_statements import dsa_statements_since


class Command(BaseCommand):
    help = "Export statements of reasons for the DSA Transparency Database as JSON lines."

    def add_arguments(self, parser):
        parser.add_argument("--since", default="",
                            help="Only statements written at or after this time (RFC 3339 "
                                 "with its zone, e.g. 2026-11-01T00:00:00+09:00).")
        parser.add_argument("--output", default="", help="A file to write (default: stdout).")

    def handle(self, *args, **options):
        since = None
        if options["since"]:
            try:
                since = moment_parse(options["since"])
            except MomentError as exc:
                raise CommandError(f"--since: {exc.message}") from exc
        lines = (json.dumps(statement, ensure_ascii=False, sort_keys=True) + "\n"
                 for statement in dsa_statements_since(since=since).iterator())
        if not options["output"]:
            for line in lines:
                self.stdout.write(line, ending="")
            return
        count = 0
        with open(options["output"], "w", encoding="utf-8") as out:
            for line in lines:
                out.write(line)
                count += 1
        self.stderr.write(f"{count} statements written to {options['output']}.")
