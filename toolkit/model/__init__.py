"""The annex declarations: the one source of truth for every stage."""
from .annexes import ANNEXES, BLOCKS, BY_ID, CITIES, DECLARED, RECORD, annex
from .fields import Annex, Field, FieldType, Group, Row, Section, Table, Text

__all__ = ["ANNEXES", "BLOCKS", "BY_ID", "CITIES", "DECLARED", "RECORD", "annex",
           "Annex", "Field", "FieldType", "Group", "Row", "Section", "Table", "Text"]
