"""Command-line tools: `flask --app portal seed-demo`, `flask --app portal asn import`, …"""

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.web import site_context


def register(app):
    app.cli.add_command(seed_demo_command)
    from portal.organisation.cli import asn_cli

    app.cli.add_command(asn_cli)


@click.command("seed-demo")
@click.option("--scale", default=1, show_default=True, type=click.IntRange(1, 1000), help="Multiply the volume, for benchmarks.")
@click.option("--password", default="demo12345", show_default=True, help="Password of every demo account.")
@with_appcontext
def seed_demo_command(scale, password):
    """Fill an empty database with a realistic Surabaya setting (idempotent)."""
    from portal.demo import DemoRefused, seed_demo

    if current_app.config["PORTAL_ENV"] == "production":
        raise click.ClickException("seed-demo menolak berjalan saat PORTAL_ENV=production.")
    try:
        with site_context(current_app):
            summary = seed_demo(scale=scale, password=password)
    except DemoRefused as error:
        raise click.ClickException(str(error)) from None
    for line in summary:
        click.echo(line)
