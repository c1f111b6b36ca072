"""A bare Flask app for comparison with the forum pages: one route rendering a template, no database.

Served by gunicorn from bench/forum_pages.py (`gunicorn --chdir bench bare_app:app`). `?items=N`
sets how many list items the page has, so its size can match the forum page it is compared with.
"""

from pathlib import Path

from flask import Flask, render_template, request

app = Flask(__name__, template_folder=str(Path(__file__).parent / "templates"))

ITEM = {
    "author": "Rizky Ramadhan",
    "when": "10 Nov 2026, 15.09 WIB",
    "html": "<p>Jam operasionalnya juga perlu sampai malam, karyawan pulang jam <strong>21.00</strong>.</p>",
    "votes": 3,
}


@app.get("/")
def home():
    return "ok"


@app.get("/bare")
def bare():
    items = max(0, min(request.args.get("items", 20, type=int), 500))
    return render_template("bare.html", items=[dict(ITEM, number=n + 1) for n in range(items)])
