"""POST data for the portal's filing forms, as a browser without JavaScript sends it from
the review page (`send` and a fresh submission key; `reviewing()` takes them off to get the
form's own POST, which only shows the review)."""
import uuid

from complaints.devtools.review_form import review_form_fields

# A notice under US law gives where the filer and the principal can be reached.
US_CONTACT = {"filer_postal_address": "東京都渋谷区神宮前1-2-3",
              "filer_phone": "+81 3-1234-5678",
              "principal_postal_address": "東京都港区六本木4-5-6",
              "principal_phone": "+81 3-8765-4321"}


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "500"}


def sent():
    return {"send": "1", "submission_key": str(uuid.uuid4())}


def reviewing(data):
    """The form's POST itself (it asks for the review page)."""
    return {k: v for k, v in data.items() if k not in ("send", "submission_key")}


def statements(signature="Hanako Yamada"):
    return {"good_faith_statement": "on", "accuracy_statement": "on", "signature": signature,
            **sent()}


def output_complaint(works=None, locations=None, **overrides):
    works = works or [("Hoshizora Quest", "anime")]
    locations = locations or ["https://dreamreel.example/v/abc123"]
    data = {
        "title": "Video copies Hoshino Aki", "filed_as": "rights_holder", "law": "us_dmca",
        "ai_product": "DreamReel video", "ai_model": "reel-2",
        "similarity": "The character's face, hair and costume are reproduced.",
        "remedies": ["remove_output", "block_prompts"], **statements(), **US_CONTACT,
        **management("works", len(works)), **management("locations", len(locations)),
    }
    for i, (title, kind) in enumerate(works):
        data.update({f"works-{i}-title": title, f"works-{i}-kind": kind,
                     f"works-{i}-rights_holder": "Studio Hoshizora"})
    for i, url in enumerate(locations):
        data.update({f"locations-{i}-url": url, f"locations-{i}-seen_at": "2026-11-20T10:30"})
    data.update(overrides)
    return data


def training_objection(**overrides):
    data = {
        "title": "Do not train on Studio Hoshizora", "filed_as": "rights_holder",
        "whole_catalogue": "on", "catalogue_identifiers": "hoshizora.example\nHoshizora Quest",
        "training_uses": ["training", "style_imitation"], **statements(),
        **management("works", 1),
    }
    data.update(overrides)
    return data


def inquiry(questions=("Was Hoshizora Quest in the training data of reel-2?",
                       "Which data sets were used?"), **overrides):
    data = {"title": "Was our anime used?", "filed_as": "rights_holder",
            "ai_product": "DreamReel video", "accuracy_statement": "on",
            "signature": "Hanako Yamada", **sent(), **management("questions", len(questions)),
            **management("works", 1)}
    for i, text in enumerate(questions):
        data[f"questions-{i}-text"] = text
    data.update(overrides)
    return data


def appeal(**overrides):
    data = {"appeal_grounds": "The output is a near copy; the decision overlooked frame 412.",
            "filed_as": "rights_holder", **statements()}
    data.update(overrides)
    return data


def review_form_data(html: str) -> dict:
    """The hidden fields of a review page, as a browser sends them back (values listed)."""
    return review_form_fields(html)


def review_and_send(client, url, data, **extra):
    """Post the form (which shows the review page), then press Send on that page."""
    review = client.post(url, reviewing(data), **extra)
    assert review.status_code == 200, review.content.decode()[:3000]
    assert "data-review" in review.content.decode()
    return client.post(url, {**review_form_data(review.content.decode()), "send": "1"})


def send(client, url, data=None, **extra):
    """Post a filing as a browser does when it sends: the form shows the review page, and
    that page's Send sends (only it may). A post that does not send, or a form that does
    not reach the review page (errors, a session that ended), is answered as it is."""
    if not isinstance(data, dict) or not data.get("send"):
        return client.post(url, data, **extra)
    review = client.post(url, reviewing(data), **extra)
    if review.status_code != 200 or "data-review" not in review.content.decode():
        return review
    return client.post(url, {**review_form_data(review.content.decode()), "send": "1"},
                       **extra)
