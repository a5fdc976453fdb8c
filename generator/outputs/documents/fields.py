"""Fillable AcroForm fields laid over a typeset PDF, written as an incremental update so a long PDF is never re-written whole."""
from __future__ import annotations
import hashlib
from io import BytesIO
from typing import Sequence, cast
from pypdf import PdfReader

from generator.outputs.documents.fieldspec import FieldSpec
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    TextStringObject,
)

FIELD_SCHEME = "field:"


class _Revision:
    """An incremental update: changed and new objects appended after the original bytes,
    so a long PDF is never re-parsed or re-written as a whole."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.reader = PdfReader(BytesIO(pdf))
        self.size = int(cast(NumberObject, self.reader.trailer["/Size"]))
        self.objects: dict[int, PdfObject] = {}

    def change(self, ref: IndirectObject) -> DictionaryObject:
        obj = cast(DictionaryObject, ref.get_object())
        self.objects[ref.idnum] = obj
        return obj

    def add(self, obj: PdfObject) -> IndirectObject:
        ref = IndirectObject(self.size, 0, self.reader)
        self.objects[self.size] = obj
        self.size += 1
        return ref

    def write(self) -> bytes:
        out = BytesIO()
        out.write(self.pdf if self.pdf.endswith(b"\n") else self.pdf + b"\n")
        offsets: dict[int, int] = {}
        for idnum in sorted(self.objects):
            offsets[idnum] = out.tell()
            out.write(b"%d 0 obj\n" % idnum)
            self.objects[idnum].write_to_stream(out)
            out.write(b"\nendobj\n")
        xref = out.tell()
        out.write(b"xref\n")
        for run in _runs(sorted(offsets)):
            out.write(b"%d %d\n" % (run[0], len(run)))
            out.writelines(b"%010d 00000 n\r\n" % offsets[idnum] for idnum in run)
        trailer = self.reader.trailer
        update = DictionaryObject({
            NameObject("/Size"): NumberObject(self.size),
            NameObject("/Root"): trailer.raw_get("/Root"),
            NameObject("/Prev"): NumberObject(int(self.pdf[self.pdf.rindex(b"startxref") + 9:].split()[0])),
        })
        if "/Info" in trailer:
            update[NameObject("/Info")] = trailer.raw_get("/Info")
        if "/ID" in trailer:
            first = cast(ArrayObject, trailer["/ID"])[0]
            update[NameObject("/ID")] = ArrayObject([first, ByteStringObject(hashlib.md5(out.getvalue()).digest())])
        out.write(b"trailer\n")
        update.write_to_stream(out)
        out.write(b"\nstartxref\n%d\n%%%%EOF\n" % xref)
        return out.getvalue()


def _runs(numbers: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for n in numbers:
        if runs and runs[-1][-1] == n - 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return runs


def _font(base: str) -> DictionaryObject:
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject(base),
    })
    if base == "/Helvetica":
        font[NameObject("/Encoding")] = NameObject("/WinAnsiEncoding")
    return font


def _appearance(revision: _Revision, width: float, height: float, content: bytes, fonts: DictionaryObject) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(content)
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject([FloatObject(0), FloatObject(0), FloatObject(round(width, 3)), FloatObject(round(height, 3))]),
        NameObject("/Resources"): DictionaryObject({NameObject("/Font"): fonts}),
    })
    return revision.add(stream)


def _checkbox_appearances(revision: _Revision, rect: Sequence[float], fonts: DictionaryObject) -> DictionaryObject:
    width, height = float(rect[2]) - float(rect[0]), float(rect[3]) - float(rect[1])
    size = min(width, height) * 0.8
    tick = b"q 0 g BT /ZaDb %.2f Tf %.2f %.2f Td (4) Tj ET Q" % (size, (width - size * 0.78) / 2, (height - size * 0.7) / 2)
    return DictionaryObject({
        NameObject("/N"): DictionaryObject({
            NameObject("/Yes"): _appearance(revision, width, height, tick, fonts),
            NameObject("/Off"): _appearance(revision, width, height, b"", fonts),
        }),
    })


def _struct_parents(root: DictionaryObject) -> dict[int, IndirectObject]:
    out: dict[int, IndirectObject] = {}
    tree = root.get("/StructTreeRoot")
    if tree is None or "/ParentTree" not in tree:
        return out

    def walk(node: DictionaryObject) -> None:
        nums = node.get("/Nums", ArrayObject())
        for i in range(0, len(nums) - 1, 2):
            value = nums[i + 1]
            if isinstance(value, IndirectObject):
                out[int(nums[i])] = value
        for kid in node.get("/Kids", ArrayObject()):
            walk(kid.get_object())

    walk(tree["/ParentTree"].get_object())
    return out


def _make_widget(annot: DictionaryObject, spec: FieldSpec, page: IndirectObject, revision: _Revision, fonts: DictionaryObject) -> None:
    for key in ("/A", "/Border", "/Contents", "/H"):
        annot.pop(key, None)
    annot.update({
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/T"): TextStringObject(spec.name),
        NameObject("/TU"): TextStringObject(spec.tooltip),
        NameObject("/F"): NumberObject(4),
        NameObject("/P"): page,
    })
    if spec.kind == "check":
        annot.update({
            NameObject("/FT"): NameObject("/Btn"),
            NameObject("/V"): NameObject("/Off"),
            NameObject("/AS"): NameObject("/Off"),
            NameObject("/MK"): DictionaryObject({NameObject("/CA"): TextStringObject("4")}),
            NameObject("/DA"): TextStringObject("/ZaDb 0 Tf 0 g"),
            NameObject("/AP"): _checkbox_appearances(revision, cast(ArrayObject, annot["/Rect"]), fonts),
        })
    else:
        annot.update({
            NameObject("/FT"): NameObject("/Tx"),
            NameObject("/V"): TextStringObject(spec.value),
            NameObject("/DA"): TextStringObject("/Helv 10 Tf 0 g" if spec.multiline or spec.value else "/Helv 0 Tf 0 g"),
        })
        if spec.multiline:
            annot[NameObject("/Ff")] = NumberObject(4096)
        if spec.value:
            annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): _text_appearance(revision, cast(ArrayObject, annot["/Rect"]), spec.value, fonts)})


def _text_appearance(revision: _Revision, rect: Sequence[float], value: str, fonts: DictionaryObject) -> IndirectObject:
    """The prefilled value drawn in the field, so that it shows in viewers that do not make appearances."""
    width, height = float(rect[2]) - float(rect[0]), float(rect[3]) - float(rect[1])
    size = min(10.0, height * 0.7)
    text = value.encode("cp1252", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = b"/Tx BMC q BT /Helv %.2f Tf 0 g 2 %.2f Td (%s) Tj ET Q EMC" % (size, (height - size * 0.7) / 2, text)
    return _appearance(revision, width, height, content, fonts)


def add_form_fields(pdf: bytes, specs: Sequence[FieldSpec]) -> bytes:
    """Turn each `field:<name>` link the template drew into an AcroForm widget tagged /Form,
    written as an incremental update of the typeset PDF."""
    if not specs:
        return pdf
    wanted = {spec.name: spec for spec in specs}
    revision = _Revision(pdf)
    root = revision.change(revision.reader.trailer.raw_get("/Root"))
    parents = _struct_parents(root)
    fonts = DictionaryObject({
        NameObject("/Helv"): revision.add(_font("/Helvetica")),
        NameObject("/ZaDb"): revision.add(_font("/ZapfDingbats")),
    })
    fields = ArrayObject()
    for page in revision.reader.pages:
        for ref in page.get("/Annots", ArrayObject()):
            if not isinstance(ref, IndirectObject):
                continue
            annot = cast(DictionaryObject, ref.get_object())
            uri = str(cast(DictionaryObject, annot.get("/A", DictionaryObject())).get("/URI", ""))
            spec = wanted.get(uri.removeprefix(FIELD_SCHEME)) if uri.startswith(FIELD_SCHEME) else None
            if spec is None:
                continue
            _make_widget(revision.change(ref), spec, cast(IndirectObject, page.indirect_reference), revision, fonts)
            fields.append(ref)
            element = parents.get(int(annot.get("/StructParent", -1)))
            if element is not None:
                revision.change(element)[NameObject("/S")] = NameObject("/Form")
    root[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): fields,
        NameObject("/NeedAppearances"): BooleanObject(True),
        NameObject("/DA"): TextStringObject("/Helv 0 Tf 0 g"),
        NameObject("/DR"): DictionaryObject({NameObject("/Font"): fonts}),
    })
    return revision.write()
