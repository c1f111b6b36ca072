"""A visitor that only clicks: the test client driven through links and forms, as a person would.

People never type a portal URL but the home page. `Visitor.start()` opens `/`; from there a test
may only `click` a link by its text, `fill` a field by its label, `choose`/`check` an option by its
label and `press` a button. Each step reads the page the server sent (BeautifulSoup), so a page
that no link reaches, a form without a label or a button that posts nowhere fails the test.

It runs without JavaScript, like a phone on a bad connection before scripts load; the browser
journeys in tests/browser cover what needs scripts (live Q&A, the phone menu's toggle).

    visitor = Visitor(client).start()
    visitor.click("Masuk").fill("Email", "sari@example.id").fill("Kata sandi", PASSWORD).press("Masuk")
    visitor.click("Sampaikan masukan")
"""

import re
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

SPACES = re.compile(r"\s+")


def _text(tag):
    """A link's or button's accessible name: aria-label, else its visible text, else an image's alt."""
    if tag.get("aria-label"):
        return SPACES.sub(" ", tag["aria-label"]).strip()
    text = SPACES.sub(" ", tag.get_text(" ")).strip()
    if not text and tag.name == "input":
        return (tag.get("value") or "").strip()
    if not text:
        image = tag.find("img", alt=True)
        return image["alt"].strip() if image else ""
    return text


def _pick(tags, name, what, nth, describe):
    """The nth tag whose name equals `name` (case-insensitive), else the nth that contains it."""
    wanted = name.casefold()
    exact = [tag for tag in tags if _text(tag).casefold() == wanted]
    found = exact or [tag for tag in tags if wanted in _text(tag).casefold()]
    if len(found) <= nth:
        names = sorted({_text(tag) for tag in tags if _text(tag)})
        raise AssertionError(f"no {what} named {name!r} on {describe()}; there are: {names}")
    return found[nth]


class Visitor:
    def __init__(self, client):
        self.client = client
        self.response = None
        self.url = None
        self.soup = None
        self._files = {}
        self.visited = []

    # -- reading the page ---------------------------------------------------------------------

    @property
    def status(self):
        return self.response.status_code

    @property
    def path(self):
        return urlsplit(self.url).path

    @property
    def text(self):
        """The page's visible text, spaces folded (what a reader sees, not the markup)."""
        for hidden in self.soup.select("script, style, template"):
            hidden.extract()
        return SPACES.sub(" ", self.soup.get_text(" ")).strip()

    def see(self, *texts):
        for text in texts:
            assert text in self.text, f"{text!r} not on {self.describe()}"
        return self

    def not_see(self, *texts):
        for text in texts:
            assert text not in self.text, f"{text!r} is on {self.describe()}"
        return self

    def links(self, within=None):
        scope = self.soup.select_one(within) if within else self.soup
        return list(scope.find_all("a", href=True)) if scope else []

    def has_link(self, name, within=None):
        wanted = name.casefold()
        return any(wanted in _text(tag).casefold() for tag in self.links(within))

    def flashes(self):
        return [SPACES.sub(" ", tag.get_text(" ")).strip() for tag in self.soup.select("[role=status], [role=alert]")]

    def describe(self):
        heading = self.soup.find("h1") if self.soup is not None else None
        title = SPACES.sub(" ", heading.get_text(" ")).strip() if heading else "?"
        return f"{self.url} ({self.status}, h1 {title!r})"

    # -- moving -------------------------------------------------------------------------------

    def start(self):
        """Open the home page: the one address a person types."""
        return self._load(self.client.get("/", follow_redirects=True))

    def click(self, name, *, within=None, nth=0, expect=None):
        """Follow the link named `name` (exact name first, else one that contains it)."""
        link = _pick(self.links(within), name, "link", nth, self.describe)
        href = urljoin(self.url, link["href"])
        parts = urlsplit(href)
        if parts.netloc not in ("", "localhost"):
            raise AssertionError(f"link {name!r} leaves the portal: {href}")
        return self._load(self.client.get(href, follow_redirects=True), expect)

    def fill(self, label, value, *, within=None):
        field = self._field(label, within)
        if field.name == "textarea":
            field.string = value
        elif field.name == "select":
            self._select(field, value)
        elif field.get("type") == "file":
            self._files[id(field)] = value
        else:
            field["value"] = value
        return self

    def choose(self, label, *, within=None):
        """Pick the radio button (or the select option) labelled `label`."""
        field = self._field(label, within, kinds=("input",))
        for other in self.soup.find_all("input", attrs={"type": "radio", "name": field.get("name")}):
            other.attrs.pop("checked", None)
        field["checked"] = "checked"
        return self

    def check(self, label, checked=True, *, within=None):
        field = self._field(label, within, kinds=("input",))
        if checked:
            field["checked"] = "checked"
        else:
            field.attrs.pop("checked", None)
        return self

    def press(self, name, *, within=None, nth=0, expect=None):
        """Press the button named `name` and submit its form with what was filled in."""
        scope = self.soup.select_one(within) if within else self.soup
        buttons = scope.find_all(lambda tag: tag.name == "button" or (tag.name == "input" and tag.get("type") in ("submit",)))
        button = _pick(buttons, name, "button", nth, self.describe)
        form = button.find_parent("form")
        if form is None and button.get("form"):
            form = self.soup.find("form", id=button["form"])
        assert form is not None, f"button {name!r} on {self.describe()} is in no form"
        data, files = self._form_data(form)
        if button.get("name"):
            data.append((button["name"], button.get("value", "")))
        action = urljoin(self.url, button.get("formaction") or form.get("action") or self.url)
        method = (button.get("formmethod") or form.get("method") or "get").lower()
        if method == "get":
            query = urlencode(data)
            target = action.split("?")[0] + (f"?{query}" if query else "")
            return self._load(self.client.get(target, follow_redirects=True), expect)
        payload = {}
        for key, value in data:
            payload.setdefault(key, []).append(value)
        payload.update(files)
        return self._load(self.client.post(action, data=payload, follow_redirects=True), expect)

    # -- inside -------------------------------------------------------------------------------

    def _load(self, response, expect=None):
        self.response = response
        self.url = response.request.url
        self.soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        self._files = {}
        self.visited.append(self.url)
        if expect is None:
            assert response.status_code < 400, f"got {self.describe()}"
        else:
            assert response.status_code == expect, f"expected {expect}, got {self.describe()}"
        return self

    def _field(self, label, within=None, kinds=("input", "textarea", "select")):
        scope = self.soup.select_one(within) if within else self.soup
        labels = scope.find_all("label")
        tag = _pick(labels, label, "field label", 0, self.describe)
        field = self.soup.find(id=tag["for"]) if tag.get("for") else tag.find(kinds)
        assert field is not None and field.name in kinds, f"label {label!r} names no field on {self.describe()}"
        return field

    @staticmethod
    def _select(field, value):
        options = field.find_all("option")
        wanted = [o for o in options if o.get("value") == value or _text(o).casefold() == str(value).casefold()]
        assert wanted, f"no option {value!r} in select {field.get('name')}: {[_text(o) for o in options]}"
        for option in options:
            option.attrs.pop("selected", None)
        wanted[0]["selected"] = "selected"

    def _form_data(self, form):
        data, files = [], {}
        for field in form.find_all(["input", "textarea", "select"]):
            name = field.get("name")
            if not name or field.has_attr("disabled"):
                continue
            kind = field.get("type", "text") if field.name == "input" else field.name
            if kind in ("submit", "button", "reset", "image"):
                continue
            if kind in ("checkbox", "radio"):
                if field.has_attr("checked"):
                    data.append((name, field.get("value", "on")))
            elif kind == "file":
                if id(field) in self._files:
                    files[name] = self._files[id(field)]
            elif kind == "textarea":
                data.append((name, field.get_text()))
            elif kind == "select":
                chosen = field.find_all("option", selected=True) or field.find_all("option")[:1]
                data.extend((name, option.get("value", _text(option))) for option in chosen)
            else:
                data.append((name, field.get("value", "")))
        return data, files
