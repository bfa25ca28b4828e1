"""PostgreSQL only: a stored full-text vector for each search section, with a GIN index, and an
upper-cased copy of its text for substring matches (issue 13).

Search used to build ``to_tsvector`` for every section at query time (88–185 ms with 1,000 pages);
now PostgreSQL keeps it in a generated column, always in step with ``heading`` and ``text``, so a
query reads it instead. The model does not declare the columns (SQLite has no ``tsvector``): Django
never writes it, and ``gateway_lab/lessons/search.py`` reads it on PostgreSQL only. On SQLite this
migration does nothing.
"""

from django.db import migrations

# The same weights search.py ranks with: the heading counts more than the text.
VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(heading, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(text, '')), 'B')"
)
# Substring matching (Chinese has no word boundaries) on one upper-cased copy of heading and text:
# one LIKE per term instead of upper() on both columns for every row and term.
FOLDED = "upper(coalesce(heading, '') || chr(10) || coalesce(text, ''))"
FORWARD = [
    f"ALTER TABLE lessons_lessonsection ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({VECTOR}) STORED",
    f"ALTER TABLE lessons_lessonsection ADD COLUMN search_folded text GENERATED ALWAYS AS ({FOLDED}) STORED",
    "CREATE INDEX lessons_section_search_vector ON lessons_lessonsection USING gin (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS lessons_section_search_vector",
    "ALTER TABLE lessons_lessonsection DROP COLUMN IF EXISTS search_folded",
    "ALTER TABLE lessons_lessonsection DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("lessons", "0005_lesson_course_order_index"),
    ]

    operations = [
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
