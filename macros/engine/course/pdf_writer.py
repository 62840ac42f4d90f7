"""PDF through WeasyPrint: tagged PDF/UA-1, shipped fonts, no network, and no error let past.

* The stylesheet and the fonts come from ``assets/`` beside this file; nothing names a
  URL, and the URL fetcher refuses everything that is not a file under the folders it is given
  (the assets and the docs), so rendering never reaches the network, whatever a page links.
* Every message WeasyPrint logs at ERROR level (a missing image, a refused or unreadable
  resource) fails the pack. Warnings (CSS it does not understand) are returned for the caller.
"""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .settings import PackError

ASSETS = Path(__file__).resolve().parent / "assets"
STYLESHEET = ASSETS / "print.css"
PDF_VARIANT = "pdf/ua-1"


class PdfError(PackError):
    """The PDF could not be made; the message says why in one line."""


@dataclass(frozen=True)
class Pdf:
    """A rendered PDF and what WeasyPrint said while making it."""

    data: bytes
    pages: int
    warnings: tuple[str, ...]


class _Collect(logging.Handler):
    """Keeps WeasyPrint's log records of one render."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _local_fetcher(roots: Sequence[Path]):
    """A WeasyPrint URL fetcher that only reads files under ``roots`` and refuses everything else."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    allowed = tuple(Path(r).resolve() for r in roots)

    class LocalFilesOnly(URLFetcher):
        """Reads local files under the allowed folders; never opens a network connection."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise FatalURLFetchingError(f"refused to fetch {url}: the course packs never use the network")
            path = Path(unquote(parts.path)).resolve()
            if not any(path.is_relative_to(root) for root in allowed):
                raise FatalURLFetchingError(f"refused to read {path}: it is outside the course assets and docs")
            try:
                data = path.read_bytes()
            except OSError as error:
                raise FatalURLFetchingError(f"cannot read {path} ({error.strerror})") from None
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(path.as_uri(), data, {"Content-Type": kind})

    return LocalFilesOnly()


def _link_text(box) -> str:
    """The words of the link a box belongs to (all of them, when the link runs over two lines)."""
    element = getattr(box, "element", None)
    if element is not None and hasattr(element, "itertext"):
        return " ".join("".join(element.itertext()).split())
    return ""


def _finish_structure(document, pdf) -> None:
    """Finishing touches WeasyPrint leaves out: header cells name their scope, links are printable and named.

    Every ``TH`` structure element gets ``/Scope /Column`` (the packs' tables only have header
    cells in their header row), and every link annotation the Print flag (``/F 4``), as PDF/UA
    and PDF/A expect. A link's description (``/Contents``, which assistive technology may read
    out) is its words, not the name of its target (``pack-plan``) that WeasyPrint puts there.
    """
    import pydyf

    for page in document.pages:
        for *_, box in page.links:
            annotation = getattr(box, "link_annotation", None)
            text = _link_text(box)
            if annotation is not None and text:
                annotation["Contents"] = pydyf.String(text)
    for item in pdf.objects:
        if not isinstance(item, dict):
            continue
        if item.get("S") == "/TH" and isinstance(item.get("A"), dict):
            item["A"]["Scope"] = "/Column"
        elif item.get("Type") == "/Annot" and item.get("Subtype") == "/Link":
            item["F"] = 4


def render_pdf(html: str, *, base_dir: Path, allowed_roots: Sequence[Path], stylesheet: Path = STYLESHEET) -> Pdf:
    """Render print HTML to a tagged PDF/UA-1; raise PdfError on any error WeasyPrint reports.

    ``base_dir`` resolves relative URLs in the HTML (images are given as file URLs anyway);
    ``allowed_roots`` are the only folders anything may be read from (the assets are added).
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    roots = [ASSETS, *allowed_roots]
    logger = logging.getLogger("weasyprint")
    collect = _Collect()
    logger.addHandler(collect)
    try:
        fetcher = _local_fetcher(roots)
        fonts = FontConfiguration()
        css = CSS(filename=str(stylesheet), url_fetcher=fetcher, font_config=fonts)
        document = HTML(string=html, base_url=str(base_dir), url_fetcher=fetcher).render(
            font_config=fonts, stylesheets=[css], pdf_variant=PDF_VARIANT)
        data = document.write_pdf(pdf_variant=PDF_VARIANT, finisher=_finish_structure)
    except FatalURLFetchingError as error:
        raise PdfError(str(error.__cause__ or error)) from None
    finally:
        logger.removeHandler(collect)
    errors = [r.getMessage() for r in collect.records if r.levelno >= logging.ERROR]
    if errors:
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise PdfError(f"WeasyPrint reported an error: {' '.join(errors[0].split())}{more}")
    warnings = tuple(" ".join(r.getMessage().split()) for r in collect.records if r.levelno < logging.ERROR)
    return Pdf(data, len(document.pages), warnings)


__all__ = ["ASSETS", "PDF_VARIANT", "Pdf", "PdfError", "STYLESHEET", "render_pdf"]
