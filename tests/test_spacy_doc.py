"""An article as a spaCy Doc: underthesea words as tokens, records as spans with extensions."""
from __future__ import annotations

from extractor.api import extract_paths
from extractor.spacy_doc import to_spacy

from conftest import SEEDS


def test_seed_as_spacy_doc():
    recs = next(extract_paths([str(next(SEEDS.glob("002_*.txt")))]))
    doc = to_spacy(recs)
    assert doc.text == recs[0]["text"]
    assert "hồ sơ" in [t.text for t in doc]  # a two-syllable word is one token
    figs = doc.spans["figures"]
    assert len(figs) == sum(1 for r in recs if r["kind"] == "figure")
    late = [s for s in figs if s.label_ == "dossiers_late_rate"]
    assert late and late[0]._.value == 0.72 and late[0]._.unit == "%"
    assert late[0]._.record["sentence"].endswith("tỷ lệ 0,72%.")
    for span in figs:
        rec = span._.record
        assert span.start_char <= rec["start"] and rec["end"] <= span.end_char


def test_displacy_renders_the_spans():
    from spacy import displacy

    recs = next(extract_paths([str(next(SEEDS.glob("000_*.txt")))]))
    html = displacy.render(to_spacy(recs), style="span", options={"spans_key": "figures"})
    assert "dossiers_received" in html and "36.466" in html
