"""Countries, controlled vocabularies, defenders and who is assigned to which record."""
from __future__ import annotations

from datetime import datetime

from flask_babel import get_locale
from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    case,
    literal_column,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database.models import User, UTCDateTime, utcnow
from ..extensions import db
from ..plugin_host.contributions import INTERNAL
from .countries import country_name, region_label

PERSONAL_FIELDS = ("email", "phone", "address", "exact_location", "family")
RISK_LEVELS = ("low", "medium", "high", "critical")
#: Highest risk first, as SQL with literal values: the "-risk" sort must repeat this expression exactly
#: for the database to read it from the index below rather than sort every row.
RISK_RANK_SQL = "CASE risk_level " + " ".join(
    f"WHEN '{level}' THEN {rank}" for rank, level in enumerate(reversed(RISK_LEVELS))) + " END"


def risk_rank(column):
    """The ORDER BY expression matching ``RISK_RANK_SQL`` (and so its index)."""
    return case({literal_column(f"'{level}'"): literal_column(str(rank))
                 for rank, level in enumerate(reversed(RISK_LEVELS))}, value=column)


def list_indexes(table: str, with_risk: bool = False) -> tuple[Index, ...]:
    """One index per list sort, each ending with the id that breaks ties and the confidentiality that decides
    visibility: the database reads a page of a sorted list from the index alone (skipping earlier pages
    without touching their rows) and stops, whatever the number of rows."""
    indexes = [Index(f"ix_{table}_name_id", "name", "id", "confidentiality"),
               Index(f"ix_{table}_updated_id", "updated_at", "id", "confidentiality"),
               Index(f"ix_{table}_country_name_id", "country_id", "name", "id", "confidentiality"),
               # A name search finds its matches by id, then sorts them by name: read from here, not from
               # the records' wide rows.
               Index(f"ix_{table}_id_name", "id", "name", "confidentiality")]
    if with_risk:
        indexes.append(Index(f"ix_{table}_risk_name_id", text(f"({RISK_RANK_SQL})"), "name", "id", "confidentiality",
                             info={"expression": True}))
    return tuple(indexes)


class Country(db.Model):
    """An ISO 3166-1 country. Rows are stored in alpha-3 order once and for all (see migration core_0002),
    so sorting records by ``country_id`` sorts them by country code, from an index of their own table."""

    __tablename__ = "core_countries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alpha2: Mapped[str] = mapped_column(String(2), unique=True)
    alpha3: Mapped[str] = mapped_column(String(3), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(30), index=True)

    @property
    def name(self) -> str:
        return country_name(self.alpha2)

    @property
    def region_label(self):
        return region_label(self.region)


class Term(db.Model):
    """An entry of a controlled list (rights defended, violations...), labelled in each language."""

    __tablename__ = "core_terms"
    __table_args__ = (UniqueConstraint("vocabulary", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(50), index=True)
    key: Mapped[str] = mapped_column(String(80))
    label_en: Mapped[str] = mapped_column(String(200))
    label_fr: Mapped[str] = mapped_column(String(200))
    label_es: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    @property
    def label(self) -> str:
        return getattr(self, f"label_{get_locale() or 'en'}", None) or self.label_en


class Assignment(db.Model):
    """A user assigned to a record of any kind; restricted records are visible to them (and admins) only."""

    __tablename__ = "core_assignments"
    __table_args__ = (
        UniqueConstraint("record_type", "record_id", "user_id"),
        # "Which records of this type is this user assigned to?": asked by every list a user sees, it must
        # not read the assignments of everyone else.
        Index("ix_core_assignments_user_type_record", "user_id", "record_type", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_users.id", ondelete="CASCADE"))
    user: Mapped[User] = relationship()


defender_rights = Table(
    "core_defender_rights",
    db.metadata,
    Column("defender_id", ForeignKey("core_defenders.id", ondelete="RESTRICT"), primary_key=True),
    Column("term_id", ForeignKey("core_terms.id", ondelete="RESTRICT"), primary_key=True),
)


class Defender(db.Model):
    """A human rights defender: a person or an organisation."""

    __tablename__ = "core_defenders"
    __table_args__ = list_indexes("core_defenders", with_risk=True)
    __record_type__ = "defender"
    __audited__ = True
    #: Personal details: masked unless revealed (audited) by a user with the permission.
    PERSONAL_FIELDS = PERSONAL_FIELDS

    PERSON, ORGANISATION = "person", "organisation"
    RISK_LEVELS = RISK_LEVELS

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=PERSON)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)  # for duplicate matching
    search_text: Mapped[str] = mapped_column(Text, default="")  # name and aliases, normalised
    aliases: Mapped[str] = mapped_column(Text, default="")
    country_id: Mapped[int | None] = mapped_column(ForeignKey("core_countries.id"))
    gender: Mapped[str | None] = mapped_column(String(20))
    profession: Mapped[str] = mapped_column(String(200), default="")
    risk_level: Mapped[str] = mapped_column(String(20), default="medium", index=True)
    consent_to_publish: Mapped[bool] = mapped_column(Boolean, default=False)
    publication_name: Mapped[str] = mapped_column(String(200), default="")
    confidentiality: Mapped[str] = mapped_column(String(20), default=INTERNAL, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    exact_location: Mapped[str] = mapped_column(Text, default="")
    family: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    country: Mapped[Country | None] = relationship()
    rights: Mapped[list[Term]] = relationship(secondary=defender_rights, order_by=Term.position)

    @property
    def public_name(self) -> str:
        """The name publications may print: the real one only with consent."""
        return self.name if self.consent_to_publish else self.publication_name

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.splitlines() if alias.strip()]


class Partner(db.Model):
    """A partner organisation that verifies reports and refers cases."""

    __tablename__ = "core_partners"
    __table_args__ = list_indexes("core_partners")
    __record_type__ = "partner"
    __audited__ = True
    PERSONAL_FIELDS = ("contacts",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), index=True)
    search_text: Mapped[str] = mapped_column(Text, default="")
    acronym: Mapped[str] = mapped_column(String(50), default="")
    aliases: Mapped[str] = mapped_column(Text, default="", server_default="")  # other names, one per line
    country_id: Mapped[int | None] = mapped_column(ForeignKey("core_countries.id"))
    network: Mapped[str] = mapped_column(String(200), default="", index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    contacts: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(String(20), default=INTERNAL, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("core_users.id", ondelete="SET NULL"))

    country: Mapped[Country | None] = relationship()

    @property
    def alias_list(self) -> list[str]:
        return [alias.strip() for alias in self.aliases.splitlines() if alias.strip()]


class SearchToken(db.Model):
    """One word (or spelling skeleton) of a record's names, for indexed search and duplicate lookups.

    Compared byte by byte (C collation on PostgreSQL) so that a word prefix is an index range.
    """

    __tablename__ = "core_search_tokens"
    __table_args__ = (Index("ix_core_search_tokens_lookup", "record_type", "token", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(50))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    token: Mapped[str] = mapped_column(String(80).with_variant(String(80, collation="C"), "postgresql"))
