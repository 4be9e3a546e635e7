"""One way to write a date and a time in each language, used by the pages, the e-mails and
the admin alike (Django reads these through FORMAT_MODULE_PATH): "3 Dec 2026, 18:00 JST" and
「2026年12月3日 18:00 JST」 — always with the zone, so a deadline is never ambiguous for a
reader abroad."""
