"""Uploaded files: the name a person gave a file, made safe to store, show and send back."""

import re
import unicodedata

MAX_NAME_LENGTH = 120
# Control, format (bidi overrides U+202A–202E, isolates U+2066–2069, zero-width marks),
# line/paragraph separators, surrogates and private or unassigned code points.
_UNSAFE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
_SPACES = re.compile(r"\s+")


def clean_upload_name(raw, *, extension, fallback):
    """Return a file name without path parts or invisible characters, bounded, ending in the real extension.

    The extension comes from the sniffed content, not from the name: `foto.exe` holding a JPEG
    is kept as `foto.jpg`, and a name spoofed with a right-to-left override (`gpj.exe` shown
    as `exe.jpg`) loses the override.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = re.split(r"[/\\]", name)[-1]  # browsers on Windows may send C:\Users\…\foto.jpg
    name = "".join(" " if ch.isspace() else ch for ch in name
                   if unicodedata.category(ch) not in _UNSAFE_CATEGORIES or ch.isspace())
    name = _SPACES.sub(" ", name).strip(" .")
    stem = name.rsplit(".", 1)[0].strip(" .") if "." in name else name
    stem = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .")
    return f"{stem or fallback}.{extension}"
