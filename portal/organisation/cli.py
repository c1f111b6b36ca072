"""`flask --app portal asn …` commands."""

from flask.cli import AppGroup

asn_cli = AppGroup("asn", help="Kelola data ASN.")
