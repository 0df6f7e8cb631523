"""`flask catalog import FILE.json` (API.md 10.2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from moviesx import models
from moviesx.extensions import db
from tests.factories import GenreFactory, MovieFactory, UserFactory
from tests.support.catalog import png_bytes, soft_delete

SUMMARY_CREATED = [
    "genres: 2 created, 0 updated",
    "platforms: 1 created, 0 updated",
    "awards: 1 created, 0 updated",
    "persons: 1 created, 0 updated",
    "movies: 1 created, 0 updated",
]
UNCHANGED = [f"{kind}: 0 created, 0 updated" for kind in ("genres", "platforms", "awards", "persons", "movies")]


def catalogue(image_dir: Path) -> dict:
    (image_dir / "img").mkdir(exist_ok=True)
    (image_dir / "img" / "netflix.png").write_bytes(png_bytes(colour="red"))
    (image_dir / "img" / "night.jpg").write_bytes(png_bytes(colour="green", fmt="JPEG"))
    (image_dir / "jane.png").write_bytes(png_bytes(colour="blue"))
    return {
        "genres": [
            {"slug": "drama", "name": "Drama", "translations": {"es": {"name": "Drama"}, "fr": {"name": "Drame"}}},
            {"name": "Film Noir"},
        ],
        "platforms": [{"slug": "netflix", "name": "Netflix", "url": "https://www.netflix.com", "image": "img/netflix.png"}],
        "awards": [{"slug": "best-picture-2020", "name": "Best Picture 2020", "category": "BP", "date": "2020-02-09"}],
        "persons": [
            {
                "slug": "jane-doe",
                "name": "Jane Doe",
                "biography": "Bio.",
                "birthday": "1970-05-01",
                "deathday": None,
                "gender": 1,
                "awards": ["best-picture-2020"],
                "image": (image_dir / "jane.png").as_uri(),
                "translations": {"de": {"biography": "Biografie."}},
            }
        ],
        "movies": [
            {
                "slug": "the-long-night",
                "title": "The Long Night",
                "synopsis": "Dark.",
                "release_date": "2019-10-04",
                "popularity": 37.5,
                "cover": str(image_dir / "img" / "night.jpg"),
                "genres": ["drama", "film-noir"],
                "platforms": ["netflix"],
                "awards": ["best-picture-2020"],
                "actors": ["jane-doe"],
                "directors": ["jane-doe"],
                "translations": {"es": {"title": "La larga noche", "synopsis": "", "cover": "img/night.jpg"}},
            }
        ],
    }


@pytest.fixture
def run(app, tmp_path):
    def invoke(document) -> tuple[int, list[str], str]:
        path = tmp_path / "catalogue.json"
        path.write_text(json.dumps(document) if not isinstance(document, str) else document, encoding="utf-8")
        result = app.test_cli_runner().invoke(args=["catalog", "import", str(path)])
        db.session.expire_all()
        return result.exit_code, result.stdout.splitlines(), result.stderr.strip()

    return invoke


def stored_files(app) -> list[str]:
    root = Path(app.config["MEDIA_ROOT"])
    return sorted(
        str(p.relative_to(root))
        for folder in ("platforms", "person", "movies/covers", "movies/translations/covers", "awards")
        for p in (root / folder).glob("*")
        if p.name not in ("no-movie.png", "default.png", "no-award.png")
    )


def test_import_creates_everything_then_changes_nothing(run, tmp_path, app):
    document = catalogue(tmp_path)
    assert run(document) == (0, SUMMARY_CREATED, "")
    movie = models.Movie.query.one()
    assert movie.cover.startswith("movies/covers/the-long-night_") and movie.cover.endswith(".jpg")
    assert [g.slug for g in movie.genres] == ["drama", "film-noir"]
    assert [p.slug for p in movie.actors] == ["jane-doe"] == [p.slug for p in movie.directors]
    spanish = movie.translations[0]
    assert (spanish.language, spanish.title, spanish.synopsis) == ("es", "La larga noche", "")
    assert spanish.cover.startswith("movies/translations/covers/")
    person = models.Person.query.one()
    assert person.image.startswith("person/jane-doe_") and [a.slug for a in person.awards] == ["best-picture-2020"]
    files = stored_files(app)
    assert len(files) == 4
    assert run(document) == (0, UNCHANGED, "")
    assert stored_files(app) == files


def test_public_view_of_imported_movie(run, tmp_path, as_user):
    """The blank Spanish synopsis falls back to the base one; the Spanish cover is used."""
    run(catalogue(tmp_path))
    body = as_user(UserFactory(preferred_language="es")).get("/api/movies/the-long-night/").get_json()
    assert (body["title"], body["synopsis"]) == ("La larga noche", "Dark.")
    assert "/media/movies/translations/covers/the-long-night_" in body["cover"]


def test_update_only_present_keys_restores_and_replaces_images(run, tmp_path, app):
    run(catalogue(tmp_path))
    soft_delete(models.Genre.query.filter_by(slug="drama").one())
    old_cover = models.Movie.query.one().cover
    (tmp_path / "new.png").write_bytes(png_bytes(colour="white"))
    code, lines, err = run(
        {
            "genres": [{"slug": "drama", "name": "Drama"}],
            "movies": [{"slug": "the-long-night", "popularity": 1, "cover": "new.png", "actors": []}],
        }
    )
    assert (code, err) == (0, "")
    assert lines[0] == "genres: 0 created, 1 updated" and lines[4] == "movies: 0 created, 1 updated"
    movie = models.Movie.query.one()
    assert (movie.title, movie.popularity, movie.actors, [p.slug for p in movie.directors]) == (
        "The Long Night",
        1.0,
        [],
        ["jane-doe"],
    )
    assert movie.cover != old_cover and movie.cover.endswith(".png")
    assert not (Path(app.config["MEDIA_ROOT"]) / old_cover).exists()
    assert models.Genre.query.filter_by(slug="drama").one().deleted_at is None


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["movies"][0].update(genres=["drama", "x"]), "movies[0].genres: unknown genre 'x'"),
        (lambda d: d["movies"][0].update(actors=["ghost"]), "movies[0].actors: unknown person 'ghost'"),
        (lambda d: d["persons"][0].update(awards=["nope"]), "persons[0].awards: unknown award 'nope'"),
        (lambda d: d["movies"][0].pop("release_date"), "movies[0].release_date: This field is required."),
        (lambda d: d["awards"][0].update(category="XX"), "awards[0].category: Value 'XX' is not a valid choice."),
        (
            lambda d: d["genres"].append({"name": "Drama", "slug": "other"}),
            "genres[2].name: Genre with this name already exists.",
        ),
        (
            lambda d: d["movies"][0].update(cover="https://example.com/x.png"),
            "movies[0].cover: unsupported scheme 'https' (the import never downloads)",
        ),
        (lambda d: d["movies"][0].update(cover="missing.png"), "movies[0].cover: file not found 'missing.png'"),
        (lambda d: d["persons"][0].update(slug="searching"), "persons[0].slug: This slug is reserved."),
        (lambda d: d.update(movies={}), "movies: Expected a list of items."),
    ],
)
def test_malformed_file_writes_nothing(run, tmp_path, app, mutate, message):
    document = catalogue(tmp_path)
    mutate(document)
    code, lines, err = run(document)
    assert (code, lines, err) == (1, [], message)
    for model in (models.Genre, models.Platform, models.Award, models.Person, models.Movie):
        assert db.session.query(model).execution_options(include_deleted=True).count() == 0
    assert stored_files(app) == []


def test_invalid_image_and_invalid_json(run, tmp_path):
    document = catalogue(tmp_path)
    (tmp_path / "bad.png").write_bytes(b"not an image")
    document["platforms"][0]["image"] = "bad.png"
    assert run(document)[2] == (
        "platforms[0].image: Upload a valid image. The file you uploaded was either not an image or a corrupted image."
    )
    code, lines, err = run("{not json")
    assert code == 1 and "invalid JSON" in err
    assert run("[]")[2].endswith("the file must hold a JSON object")


def test_missing_file_or_directory_exits_1(app, tmp_path):
    """API.md 10: exit code 1 with the message on stderr, also for a path that is not a readable file."""
    for path in (tmp_path / "missing.json", tmp_path):
        result = app.test_cli_runner().invoke(args=["catalog", "import", str(path)])
        assert (result.exit_code, result.stdout) == (1, ""), path
        assert result.stderr.startswith(f"{path}: ")


def test_existing_rows_are_matched_by_slug_of_name(run):
    GenreFactory(name="Old name", slug="drama")
    MovieFactory(slug="the-long-night", title="Old")
    code, lines, _err = run({"genres": [{"name": "Drama"}], "movies": [{"title": "The Long Night"}]})
    assert code == 0
    assert lines[0] == "genres: 0 created, 1 updated" and lines[4] == "movies: 0 created, 1 updated"
    assert models.Genre.query.one().name == "Drama"
    assert models.Movie.query.one().title == "The Long Night"


def test_blank_translation_values_are_absent(run, tmp_path):
    """A blank translation value leaves the stored one unchanged (API.md 10.2); the base value shows when none."""
    run(catalogue(tmp_path))
    code, lines, err = run(
        {"movies": [{"slug": "the-long-night", "translations": {"es": {"title": "", "synopsis": "  "}, "fr": {"title": " "}}}]}
    )
    assert (code, err) == (0, "")
    assert lines[4] == "movies: 0 created, 1 updated"
    rows = {row.language: (row.title, row.synopsis) for row in models.Movie.query.one().translations}
    assert rows == {"es": ("La larga noche", ""), "fr": ("", "")}
