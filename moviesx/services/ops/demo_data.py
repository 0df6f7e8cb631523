"""The demo world of `seed demo` (API.md 10.1): its vocabulary and the catalogue it builds.

Pure data and generation, no database: `build_catalogue` gives a catalogue document (API.md 10.2) that
`demo_seed` writes through the catalogue import, so a test can inspect it without seeding.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image

from moviesx.models import AWARD_CATEGORIES
from moviesx.slugify import slugify

LANGS = ("en", "es", "fr", "de")

GENRES = [
    ("Action", "Acción", "Action", "Action"),
    ("Adventure", "Aventura", "Aventure", "Abenteuer"),
    ("Animation", "Animación", "Animation", "Animation"),
    ("Comedy", "Comedia", "Comédie", "Komödie"),
    ("Crime", "Crimen", "Policier", "Krimi"),
    ("Documentary", "Documental", "Documentaire", "Dokumentarfilm"),
    ("Drama", "Drama", "Drame", "Drama"),
    ("Family", "Familia", "Familial", "Familie"),
    ("Fantasy", "Fantasía", "Fantastique", "Fantasy"),
    ("History", "Historia", "Histoire", "Historie"),
    ("Horror", "Terror", "Horreur", "Horror"),
    ("Music", "Música", "Musique", "Musik"),
    ("Mystery", "Misterio", "Mystère", "Mystery"),
    ("Romance", "Romance", "Romance", "Liebesfilm"),
    ("Science Fiction", "Ciencia ficción", "Science-fiction", "Science-Fiction"),
    ("Thriller", "Suspense", "Thriller", "Thriller"),
    ("War", "Bélica", "Guerre", "Kriegsfilm"),
    ("Western", "Western", "Western", "Western"),
]
PLATFORMS = [
    ("Netflix", "https://www.netflix.com", "#e50914"),
    ("Prime Video", "https://www.primevideo.com", "#00a8e1"),
    ("Disney+", "https://www.disneyplus.com", "#113ccf"),
    ("Max", "https://www.max.com", "#002be7"),
    ("Apple TV+", "https://tv.apple.com", "#111111"),
    ("Filmin", "https://www.filmin.es", "#ff3c00"),
]
ADJECTIVES = [
    ("Silent", "silenciosa", "silencieuse", "Stille"),
    ("Last", "última", "dernière", "Letzte"),
    ("Golden", "dorada", "dorée", "Goldene"),
    ("Hidden", "oculta", "cachée", "Verborgene"),
    ("Broken", "rota", "brisée", "Zerbrochene"),
    ("Endless", "infinita", "infinie", "Endlose"),
    ("Frozen", "helada", "gelée", "Gefrorene"),
    ("Burning", "ardiente", "brûlante", "Brennende"),
    ("Secret", "secreta", "secrète", "Geheime"),
    ("Distant", "lejana", "lointaine", "Ferne"),
    ("Wild", "salvaje", "sauvage", "Wilde"),
    ("Lost", "perdida", "perdue", "Verlorene"),
]
NOUNS = [
    ("Night", "La noche", "La nuit", "Nacht"),
    ("River", "La corriente", "La rivière", "Strömung"),
    ("City", "La ciudad", "La ville", "Stadt"),
    ("Road", "La carretera", "La route", "Straße"),
    ("Island", "La isla", "L'île", "Insel"),
    ("Summer", "La estación", "La saison", "Jahreszeit"),
    ("Frontier", "La frontera", "La frontière", "Grenze"),
    ("Melody", "La melodía", "La mélodie", "Melodie"),
    ("Promise", "La promesa", "La promesse", "Verheißung"),
    ("Mirror", "La imagen", "La glace", "Spiegelung"),
    ("Storm", "La tormenta", "La tempête", "Sturmflut"),
    ("Garden", "La huerta", "La roseraie", "Gartenwelt"),
    ("Tower", "La torre", "La tour", "Turmspitze"),
]
SYNOPSES = (
    "{a} and {b} cross paths when an unexpected discovery changes their lives forever.",
    "{a} y {b} se cruzan cuando un descubrimiento inesperado cambia sus vidas para siempre.",
    "{a} et {b} se croisent lorsqu'une découverte inattendue change leur vie à jamais.",
    "{a} und {b} begegnen sich, als eine unerwartete Entdeckung ihr Leben für immer verändert.",
)
BIOGRAPHIES = (
    "{name} is a performer and filmmaker known for intense, understated work.",
    "{name} es intérprete y cineasta, conocido por un trabajo intenso y contenido.",
    "{name} est interprète et cinéaste, connu pour un travail intense et retenu.",
    "{name} ist Darsteller und Filmemacher, bekannt für intensive, zurückhaltende Arbeit.",
)
FIRST_NAMES = [
    "Ada",
    "Bruno",
    "Carmen",
    "Dmitri",
    "Elena",
    "Farid",
    "Greta",
    "Hugo",
    "Inés",
    "Jonas",
    "Kira",
    "Luca",
    "Marta",
    "Nils",
    "Olga",
    "Pablo",
    "Quinn",
    "Rosa",
    "Samir",
    "Tilda",
    "Ugo",
    "Vera",
    "Walt",
    "Yara",
]
LAST_NAMES = [
    "Alvarez",
    "Berg",
    "Costa",
    "Dumont",
    "Eriksen",
    "Fischer",
    "García",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Klein",
    "Lefèvre",
    "Moreau",
    "Novak",
    "Ortega",
    "Petit",
    "Quiroga",
    "Rossi",
    "Schmidt",
    "Torres",
]
REVIEW_TEXTS = [
    ("Loved it", "A beautiful film from start to finish."),
    ("Not for me", "It dragged in the middle."),
    ("Solid", "Good performances and a clever script."),
    ("Masterpiece", "I will watch it again soon."),
]
COMMENTS = ["Totally agree!", "I saw it differently.", "Great point.", "The ending surprised me too.", "Which scene?"]
RATING_WEIGHTS = (5, 10, 25, 35, 25)  # 1..5 stars, skewed towards 3-5
LIST_THEMES = ("Favourites", "Watch later", "Weekend picks", "Classics", "Hidden gems", "Family night")
DIARY_NOTES = ("", "", "Saw it at the cinema.", "With friends.", "Better the second time.", "Fell asleep halfway.")


@dataclass
class SeedOptions:
    users: int = 25
    movies: int = 150
    ratings: int = 1500
    password: str = "moviesx-demo-2024"
    seed: int = 42


def _png(path: Path, colour: tuple[int, int, int], size: tuple[int, int]) -> str:
    """A solid-colour PNG, written only when missing (the same bytes every run)."""
    if not path.exists():
        buffer = io.BytesIO()
        Image.new("RGB", size, colour).save(buffer, format="PNG")
        path.write_bytes(buffer.getvalue())
    return str(path)


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(40, 220), rng.randrange(40, 220), rng.randrange(40, 220))


def build_catalogue(options: SeedOptions, image_dir: Path) -> dict:
    """The demo catalogue as a catalogue document (API.md 10.2) with generated local images."""
    rng = random.Random(options.seed)
    image_dir.mkdir(parents=True, exist_ok=True)
    genres = [
        {
            "slug": slugify(en),
            "name": en,
            "translations": {lang: {"name": name} for lang, name in zip(LANGS[1:], rest, strict=True)},
        }
        for en, *rest in GENRES
    ]
    platforms = [
        {
            "slug": slugify(name),
            "name": name,
            "url": url,
            "image": _png(image_dir / f"platform-{slugify(name)}.png", tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)), (64, 64)),
        }
        for name, url, c in PLATFORMS
    ]
    awards = [
        {"slug": slugify(f"{label} 2024"), "name": f"{label} 2024", "category": code, "date": "2024-03-10"}
        for code, label in AWARD_CATEGORIES.items()
    ]
    award_slugs = [award["slug"] for award in awards]
    person_count = max(10, options.movies // 2)
    persons = []
    for index in range(person_count):
        name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} {LAST_NAMES[(index * 7 + index // len(FIRST_NAMES)) % len(LAST_NAMES)]}"
        slug = f"{slugify(name)}-{index + 1}"
        born = date(1940, 1, 1) + timedelta(days=rng.randrange(0, 60 * 365))
        persons.append(
            {
                "slug": slug,
                "name": name,
                "gender": rng.choice([0, 1, 2, 3]),
                "birthday": born.isoformat(),
                "deathday": None,
                "biography": BIOGRAPHIES[0].format(name=name),
                "translations": {lang: {"biography": BIOGRAPHIES[i].format(name=name)} for i, lang in enumerate(LANGS) if i},
                "awards": [rng.choice(award_slugs)] if rng.random() < 0.1 else [],
                "image": _png(image_dir / f"person-{slug}.png", _colour(rng), (40, 50)),
            }
        )
    movies, seen = [], set()
    for index in range(options.movies):
        adjective, noun = ADJECTIVES[index % len(ADJECTIVES)], NOUNS[(index // len(ADJECTIVES) + index) % len(NOUNS)]
        titles = [
            f"The {adjective[0]} {noun[0]}",
            f"{noun[1]} {adjective[1]}",
            f"{noun[2]} {adjective[2]}",
            f"Die {adjective[3]} {noun[3]}",
        ]
        base_titles, number = titles, 1
        while slugify(titles[0]) in seen:
            number += 1
            titles = [f"{title} {number}" for title in base_titles]
        slug = slugify(titles[0])
        seen.add(slug)
        cast = rng.sample(persons, k=min(len(persons), rng.randint(2, 4)))
        a, b = cast[0]["name"], cast[1]["name"]
        released = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 54 * 365))
        movies.append(
            {
                "slug": slug,
                "title": titles[0],
                "synopsis": SYNOPSES[0].format(a=a, b=b),
                "release_date": released.isoformat(),
                "popularity": round(rng.uniform(0, 100), 1),
                "genres": [g["slug"] for g in rng.sample(genres, k=rng.randint(1, 3))],
                "platforms": [p["slug"] for p in rng.sample(platforms, k=rng.randint(0, 2))],
                "awards": [rng.choice(award_slugs)] if rng.random() < 0.12 else [],
                "actors": [p["slug"] for p in cast],
                "directors": [rng.choice(persons)["slug"]],
                "cover": _png(image_dir / f"cover-{slug}.png", _colour(rng), (60, 90)),
                "translations": {
                    lang: {"title": titles[i], "synopsis": SYNOPSES[i].format(a=a, b=b)} for i, lang in enumerate(LANGS) if i
                },
            }
        )
    return {"genres": genres, "platforms": platforms, "awards": awards, "persons": persons, "movies": movies}
