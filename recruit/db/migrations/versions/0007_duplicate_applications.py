"""duplicate applications: one first application per e-mail and opening, later ones apart

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FIRST_APPLICATION = "duplicate_of_id IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("link_token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("link_expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("linked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_applications_duplicate_of_id_applications"),
            "applications",
            ["duplicate_of_id"],
            ["id"],
        )
        batch_op.create_index(
            batch_op.f("ix_applications_duplicate_of_id"), ["duplicate_of_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_applications_link_token_hash"), ["link_token_hash"]
        )
    # The e-mail each live application was sent with; imports (no e-mail) and erased
    # candidates keep none.
    op.execute(
        "UPDATE applications SET email_key = (SELECT lower(trim(c.email)) FROM candidates c "
        "WHERE c.id = applications.candidate_id AND c.erased_at IS NULL AND c.email <> '')"
    )
    # Two applications of one address to one opening (concurrent applies made them before):
    # the oldest is the first, the others its possible duplicates.
    op.execute(
        "UPDATE applications SET duplicate_of_id = (SELECT min(a.id) FROM applications a "
        "WHERE a.opening_id = applications.opening_id AND a.email_key = applications.email_key) "
        "WHERE email_key IS NOT NULL AND id <> (SELECT min(a.id) FROM applications a "
        "WHERE a.opening_id = applications.opening_id AND a.email_key = applications.email_key)"
    )
    op.create_index(
        "uq_applications_first_per_email",
        "applications",
        ["opening_id", "email_key"],
        unique=True,
        postgresql_where=sa.text(FIRST_APPLICATION),
        sqlite_where=sa.text(FIRST_APPLICATION),
    )


def downgrade() -> None:
    op.drop_index("uq_applications_first_per_email", table_name="applications")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_applications_link_token_hash"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_applications_duplicate_of_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_applications_duplicate_of_id_applications"), type_="foreignkey"
        )
        batch_op.drop_column("linked_at")
        batch_op.drop_column("link_expires_at")
        batch_op.drop_column("link_token_hash")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("email_key")
