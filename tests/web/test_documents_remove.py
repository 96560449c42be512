"""The owner removes a document through the API: refused (409) while it has codings unless confirmed; 404 when unknown;
the study's declared transcripts are not removed (they would come back when the study is opened)."""

from __future__ import annotations

from .conftest import Web


def test_remove_a_coded_document(web: Web) -> None:
    from learnervoice.qual.codings import NewCoding, add_codings
    from learnervoice.qual.documents import import_transcript

    site = next(iter(web.app.state.sites.values()))  # type: ignore[attr-defined]
    path = web.study.folder / "extra.txt"
    path.write_text("A short note about the course and its price.\n", encoding="utf-8")
    import_transcript(web.study, path, name="extra", store=site.store)
    add_codings(site.store, [NewCoding("extra", 0, 0, "price", "ana", quote="price")], who="ana")
    owner = web.client("owner")
    base = f"/s/{web.slug}/api/documents"
    refused = owner.delete(f"{base}/extra")
    assert refused.status_code == 409 and "1 coding(s)" in refused.json()["detail"]
    assert owner.delete(f"{base}/FG1", params={"confirm": "true"}).status_code == 409  # declared in study.yaml
    assert owner.delete(f"{base}/nothing").status_code == 404
    gone = owner.delete(f"{base}/extra", params={"confirm": "true"})
    assert gone.status_code == 200 and gone.json() == {"document": "extra", "turns": 1, "codings": 1, "memos": 0}
    assert "extra" not in [d["name"] for d in owner.get(base).json()]
