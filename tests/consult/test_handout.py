"""The take-home sheet: an outside PDF reader (poppler) renders it, with its pictures and words."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from sciatic_atlas.anatomy.painmap import Mark, PainMap, save_painmap
from sciatic_atlas.app.cli import main
from sciatic_atlas.app.handout import plain
from tests.skin_fixtures import skin_model  # noqa: F401  (a fixture)

POPPLER = shutil.which("pdftoppm") and shutil.which("pdfimages") and shutil.which("pdftotext")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils (pdftoppm) is not installed")

NOTE = "Numb top of the foot since Monday – worse sitting. Review in 2 weeks."


@pytest.fixture(scope="module")
def sheet(skin_model, tmp_path_factory):
    folder = tmp_path_factory.mktemp("handout")
    pm = PainMap("right", (Mark("numbness", 8, region="foot_dorsum"), Mark("numbness", 7, region="great_toe")),
                 date="2026-12-03", note=NOTE)
    path = save_painmap(pm, folder / "map.json")
    assert main(["handout", str(path), "-o", str(folder / "sheet.pdf")]) == 0
    return folder / "sheet.pdf"


def run(*args) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, timeout=120).stdout


@needs_poppler
def test_poppler_renders_two_pages_with_the_pictures(sheet, tmp_path):
    run("pdftoppm", "-r", "50", "-png", str(sheet), str(tmp_path / "page"))
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    listed = run("pdfimages", "-list", str(sheet)).splitlines()[2:]
    per_page = [int(line.split()[0]) for line in listed]
    assert per_page.count(1) >= 1  # the pain map on the skin
    assert per_page.count(2) == 4  # one picture per stretch
    # Page 1 shows the numbness painted on the skin: a good patch of the numbness blue.
    rgb = np.asarray(Image.open(pages[0]).convert("RGB")).astype(int)
    blue = (rgb[..., 2] > rgb[..., 0] + 60) & (rgb[..., 2] > 110)
    assert blue.sum() > 800
    # and skin around it
    skin = (rgb[..., 0] > 140) & (rgb[..., 0] > rgb[..., 2] + 25) & (rgb[..., 1] > 100)
    assert skin.sum() > 1000  # (the orange swatch is not skin-coloured: its green is under 100)


@needs_poppler
def test_the_sheet_says_what_it_should(sheet):
    text = " ".join(run("pdftotext", str(sheet), "-").split())
    for words in ("2026-12-03", "Numb top of the foot since Monday - worse sitting.", "L5 dermatome",
                  "Superficial fibular", "not a diagnosis", "Albert et al. 2019", "kappa 0.11",
                  "Spinal twist", "Child's pose", "Glute stretch", "Hamstring stretch", "hold 30 seconds",
                  "piriformis", "hamstrings"):
        assert words in text, words


def test_a_bad_output_name_is_a_clear_error(tmp_path, capsys):
    path = save_painmap(PainMap(), tmp_path / "map.json")
    assert main(["handout", str(path), "-o", str(tmp_path / "sheet.png")]) == 2
    assert "name the file with .pdf" in capsys.readouterr().err
    assert main(["handout", str(path), "-o", str(tmp_path / "none" / "sheet.pdf")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_text_is_folded_to_the_pdf_fonts():
    assert plain("Søgaard – 50–80% “x” ≥ 2") == 'Søgaard - 50-80% "x" >= 2'
    assert plain("Ωmega") == "?mega"
