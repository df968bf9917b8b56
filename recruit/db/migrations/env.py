"""Alembic environment: the URL comes from the caller (recruit.db.upgrade), never a file."""

from alembic import context
from sqlalchemy import create_engine

from recruit.db.models import Base
from recruit.db.search import not_modelled

config = context.config
url = config.attributes.get("url") or config.get_main_option("sqlalchemy.url")


def run() -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            # The search index's FTS5 table and trigram indexes are no model's.
            include_name=lambda name, *_: not not_modelled(name),
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
    engine.dispose()


run()
