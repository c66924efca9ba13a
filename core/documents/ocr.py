"""OCR for a PDF page with no text layer (a scan, a signed form, lettering drawn as curves), offline.

The page is rendered by PDFium (pypdfium2) and read by RapidOCR 3 (Apache-2.0) on ONNX Runtime with the
PP-OCRv6 small detection and recognition models that ship inside the `rapidocr` wheel (Apache-2.0,
PaddleOCR's weights): the model files are passed by path, so RapidOCR never takes its download path, and
no network is needed at run time. rapidocr and onnxruntime are imported here only.

Measured on the shared PDFs (bench/pdf_tables.py prints the OCR time per page): rendering at scale 2
(144 dpi) read every word written down beforehand from the TDRS award's two order-form pages and the VA task
order's first page, and all the words of four pages that do have a text layer (recall 1.000 against that
layer; scale 1.5: 0.998, scale 1: 0.995 and some words of the scanned page missed). RapidOCR's text-direction
classifier is off: on the TDRS award's fourth page it turned five upright lines upside down (recall 0.83
with it, 1.000 without).

Lines come in reading order: boxes whose middles lie within half a line height of one another form one
printed line, lines go top to bottom and boxes in a line left to right.
"""

from __future__ import annotations

import importlib.util
import logging
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from core.errors import DocumentError, UserFacingError

if TYPE_CHECKING:
    from rapidocr.utils.output import RapidOCROutput

log = logging.getLogger(__name__)

SCALE = 2.0  # render scale: 2 = 144 dpi
MODELS = ("PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx")
SAME_LINE = 0.5  # a box is on a line when its middle is this many line heights from the line's middle


@dataclass
class OcrBox:
    """One piece of text the recogniser read, with its box in points from the page's top left corner as
    rendered (rotation applied), and the recogniser's confidence (0..1)."""

    text: str
    confidence: float
    left: float
    top: float
    right: float
    bottom: float


@dataclass
class OcrPage:
    """A page's text as OCR read it: `lines` in reading order, the seconds it took (render and OCR), and
    the mean confidence of its boxes (0.0 when the page is blank)."""

    lines: list[str]
    seconds: float
    mean_confidence: float
    boxes: list[OcrBox] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def ocr_available() -> bool:
    """Whether OCR can run here: rapidocr, onnxruntime and the models inside the rapidocr wheel."""
    if importlib.util.find_spec("onnxruntime") is None:
        return False
    folder = _models_folder()
    return folder is not None and all((folder / name).is_file() for name in MODELS)


def _models_folder() -> Path | None:
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "models"


class PageReader:
    """The OCR engine, loaded once (about a second) and reused for every page of a run."""

    def __init__(self, scale: float = SCALE, threads: int = -1):
        if not ocr_available():
            raise UserFacingError("OCR is not installed: pip install 'rapidocr>=3.10,<4' onnxruntime")
        from rapidocr import RapidOCR

        folder = _models_folder()
        assert folder is not None
        self.scale = scale
        self._engine = RapidOCR(
            params={
                "Global.log_level": "error",
                "Global.use_cls": False,
                "Det.model_path": str(folder / MODELS[0]),
                "Rec.model_path": str(folder / MODELS[1]),
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            }
        )

    def read(self, page) -> OcrPage:
        """OCR of one pypdfium2 page."""
        started = time.perf_counter()
        bitmap = page.render(scale=self.scale)
        image = bitmap.to_numpy()[:, :, :3].copy()  # PDFium renders BGR(A), what OpenCV expects
        # detection and recognition both run, so the engine's answer is a RapidOCROutput
        result = cast("RapidOCROutput", self._engine(image))
        boxes = []
        if result.boxes is not None and result.txts is not None and result.scores is not None:
            for points, text, score in zip(result.boxes, result.txts, result.scores, strict=True):
                if not text.strip():
                    continue
                xs, ys = [p[0] / self.scale for p in points], [p[1] / self.scale for p in points]
                boxes.append(OcrBox(text.strip(), float(score), min(xs), min(ys), max(xs), max(ys)))
        lines = reading_order(boxes)
        confidence = statistics.fmean(b.confidence for b in boxes) if boxes else 0.0
        return OcrPage(lines, time.perf_counter() - started, confidence, boxes)


def ocr_page(path: Path, page_index: int, reader: PageReader | None = None) -> OcrPage:
    """OCR of page `page_index` (0-based) of the PDF at `path`. Pass a PageReader to reuse its engine
    across pages. Raises DocumentError naming the file for an unreadable file or a page it does not have,
    and UserFacingError when OCR is not installed."""
    import pypdfium2 as pdfium

    reader = reader or PageReader()
    try:
        document = pdfium.PdfDocument(str(path))
    except (pdfium.PdfiumError, OSError) as exc:
        raise DocumentError(str(path), f"not a readable PDF ({exc})") from exc
    try:
        if not 0 <= page_index < len(document):
            raise DocumentError(str(path), f"has no page {page_index + 1} (it has {len(document)})")
        return reader.read(document[page_index])
    finally:
        document.close()


def reading_order(boxes: list[OcrBox]) -> list[str]:
    """The boxes' text as printed lines, top to bottom; the boxes of a line left to right. A box is on the
    line above when its middle is within half a typical line height of that line's middle (a tall box,
    handwriting across two printed lines, does not chain them)."""
    if not boxes:
        return []
    height = statistics.median(b.bottom - b.top for b in boxes)
    lines: list[list[OcrBox]] = []
    for box in sorted(boxes, key=_middle):
        if (
            lines
            and abs(_middle(box) - statistics.fmean(_middle(b) for b in lines[-1])) <= SAME_LINE * height
        ):
            lines[-1].append(box)
        else:
            lines.append([box])
    return [" ".join(b.text for b in sorted(line, key=lambda b: b.left)) for line in lines]


def _middle(box: OcrBox) -> float:
    return (box.top + box.bottom) / 2
