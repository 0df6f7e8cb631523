"""`flask movielens import DIR` (API.md 10.3) on a tiny sample in both layouts."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from moviesx import models
from moviesx.extensions import db
from moviesx.services.ops.movielens import parse_classic_date, split_title
from moviesx.services.ops.movielens_import import clamp_rating
from tests.factories import UserFactory

GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


def flags(*names: str) -> str:
    return "|".join("1" if genre in names else "0" for genre in GENRES)


def write_classic(folder) -> None:
    folder.mkdir()
    toy = flags("Animation", "Children's", "Comedy")
    (folder / "u.genre").write_text("".join(f"{g}|{i}\n" for i, g in enumerate(GENRES)) + "\n", encoding="latin-1")
    (folder / "u.item").write_text(
        "\n".join(
            [
                f"1|Toy Story (1995)|01-Jan-1995||http://x|{toy}",
                f"2|Café Society (1995)|||http://x|{flags('Drama')}",
                f"3|unknown||||{flags('unknown')}",
                f"4|Shanghai Triad (Yao a yao yao dao waipo qiao) (1995)|01-Jan-1995||http://x|{flags('Drama')}",
            ]
        )
        + "\n",
        encoding="latin-1",
    )
    (folder / "u.data").write_text(
        "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n2\t3\t1\t888550871\n3\t4\t2\t889237455\n",
        encoding="latin-1",
    )
    (folder / "u.user").write_text("1|24|M|technician|85711\n2|53|F|other|94043\n3|23|M|writer|32067\n4|24|M|x|1\n")


def write_atomic(folder) -> None:
    folder.mkdir()
    (folder / "ml-tiny.inter").write_text(
        "user_id:token\titem_id:token\trating:float\ttimestamp:float\n"
        "1\t1\t5\t874965758\n1\t2\t3\t876893171\n2\t1\t4\t878542960\n2\t3\t1\t888550871\n3\t4\t2\t889237455\n"
    )
    (folder / "ml-tiny.item").write_text(
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n"
        "1\tToy Story\t1995\tAnimation Children's Comedy\n"
        "2\tCafé Society (1995)\t\tDrama\n"
        "3\tunknown\t\tunknown\n"
        "4\tShanghai Triad (Yao a yao yao dao waipo qiao)\t1995\tDrama\n"
    )
    (folder / "ml-tiny.user").write_text("user_id:token\tage:token\n1\t24\n2\t53\n3\t23\n4\t24\n")


@pytest.fixture
def run(app):
    def invoke(directory) -> tuple[int, list[str], str]:
        result = app.test_cli_runner().invoke(args=["movielens", "import", str(directory)])
        db.session.expire_all()
        return result.exit_code, result.stdout.splitlines(), result.stderr.strip()

    return invoke


@pytest.mark.parametrize(("layout", "writer"), [("classic", write_classic), ("atomic", write_atomic)])
def test_import_sample_then_nothing_changes(run, tmp_path, layout, writer):
    folder = tmp_path / "ml"
    writer(folder)
    code, lines, err = run(folder)
    assert (code, err) == (0, "")
    genres_created = 18 if layout == "classic" else 4
    assert lines == [
        f"layout: {layout}",
        f"genres: {genres_created} created, 0 updated",
        "movies: 3 created, 0 updated",
        "users: 4 created, 0 updated",
        "ratings: 4 created, 0 updated",
        "skipped movies: 1",
    ]
    movies = {m.slug: m for m in models.Movie.query.all()}
    assert set(movies) == {"ml-1-toy-story", "ml-2-cafe-society", "ml-4-shanghai-triad-yao-a-yao-yao-dao-waipo-qiao"}
    toy = movies["ml-1-toy-story"]
    assert (toy.title, toy.release_date) == ("Toy Story", date(1995, 1, 1))
    assert sorted(g.slug for g in toy.genres) == ["animation", "childrens", "comedy"]
    cafe = movies["ml-2-cafe-society"]
    assert (cafe.title, cafe.release_date) == ("Café Society", date(1995, 1, 1))
    assert movies["ml-4-shanghai-triad-yao-a-yao-yao-dao-waipo-qiao"].title == "Shanghai Triad (Yao a yao yao dao waipo qiao)"
    assert models.Genre.query.filter_by(slug="unknown").count() == 0
    user = models.User.query.filter_by(username="ml_1").one()
    assert (user.email, user.verified, user.boarded, user.password_hash) == ("ml_1@movielens.invalid", True, True, None)
    ratings = {(r.user.username, r.movie.slug): r for r in models.Rating.query.all()}
    assert ratings[("ml_1", "ml-1-toy-story")].rating == 5
    assert ratings[("ml_1", "ml-1-toy-story")].created_at == datetime(1997, 9, 22, 22, 2, 38)
    assert ("ml_2", "ml-3-unknown") not in ratings

    code, lines, _err = run(folder)
    assert code == 0
    assert lines[1:] == [
        "genres: 0 created, 0 updated",
        "movies: 0 created, 0 updated",
        "users: 0 created, 0 updated",
        "ratings: 0 created, 0 updated",
        "skipped movies: 1",
    ]
    assert models.Rating.query.count() == 4


def test_changed_ratings_are_updated_and_other_users_untouched(run, tmp_path):
    folder = tmp_path / "ml"
    write_atomic(folder)
    run(folder)
    other = UserFactory(username="someone")
    inter = folder / "ml-tiny.inter"
    inter.write_text(inter.read_text().replace("1\t1\t5\t874965758", "1\t1\t2.6\t874965758"))
    code, lines, _err = run(folder)
    assert (code, lines[4]) == (0, "ratings: 0 created, 1 updated")
    assert models.Rating.query.filter_by(rating=3).count() == 2
    assert db.session.get(models.User, other.id).username == "someone"


def test_missing_directory_or_data(run, tmp_path):
    assert run(tmp_path / "nope")[0] == 1
    code, lines, err = run(tmp_path)
    assert (code, lines) == (1, [])
    assert "no MovieLens-100k data" in err
    a_file = tmp_path / "u.data"
    a_file.write_text("")
    code, lines, err = run(a_file)  # API.md 10: every error exits 1 with the message on stderr
    assert (code, lines, err) == (1, [], f"{a_file}: not a directory")


def test_parsers():
    assert split_title("Toy Story (1995)") == ("Toy Story", 1995)
    assert split_title("Leaving Las Vegas") == ("Leaving Las Vegas", None)
    assert parse_classic_date("15-Sep-1997") == date(1997, 9, 15)
    assert parse_classic_date("") is None and parse_classic_date("31-Feb-1997") is None
    assert [clamp_rating(v) for v in (0, 0.4, 1.5, 2.49, 4.5, 9)] == [1, 1, 2, 2, 5, 5]
