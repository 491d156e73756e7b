"""IPTC printed values, from the IPTC-IIM 4.2 spec: urgency levels, file formats, character-set escapes."""

from typing import Any

# IIM 1:20 FileFormat (IIM appendix A).
FILE_FORMAT = {
    0: "No ObjectData", 1: "IPTC-NAA Digital Newsphoto Parameter Record", 2: "IPTC7901 Recommended Message Format",
    3: "Tagged Image File Format (Adobe/Aldus Image data)", 4: "Illustrator (Adobe Graphics data)",
    5: "AppleSingle (Apple Computer Inc)", 6: "NAA 89-3 (ANPA 1312)", 7: "MacBinary II",
    8: "IPTC Unstructured Character Oriented File Format (UCOFF)",
    9: "United Press International ANPA 1312 variant", 10: "United Press International Down-Load Message",
    11: "JPEG File Interchange (JFIF)", 12: "Photo-CD Image-Pac (Eastman Kodak)",
    13: "Bit Mapped Graphics File [.BMP] (Microsoft)", 14: "Digital Audio File [.WAV] (Microsoft & Creative Labs)",
    15: "Audio plus Moving Video [.AVI] (Microsoft)", 16: "PC DOS/Windows Executable Files [.COM][.EXE]",
    17: "Compressed Binary File [.ZIP] (PKWare Inc)", 18: "Audio Interchange File Format AIFF (Apple Computer Inc)",
    19: "RIFF Wave (Microsoft Corporation)", 20: "Freehand (Macromedia/Aldus)",
    21: "Hypertext Markup Language [.HTML] (The Internet Society)", 22: "MPEG 2 Audio Layer 2 (Musicom), ISO/IEC",
    23: "MPEG 2 Audio Layer 3, ISO/IEC", 24: "Portable Document File (*.PDF) Adobe",
    25: "News Industry Text Format (NITF)", 26: "Tape Archive (*.TAR)",
    27: "Tidningarnas Telegrambyra NITF version (TTNITF DTD)", 28: "Ritzaus Bureau NITF version (RBNITF DTD)",
    29: "Corel Draw [.CDR]",
}
# IIM 1:60 / 2:10: 1 is the most urgent, 5 normal, 8 the least; 9 is left to the user, 0 reserved.
URGENCY = {0: "0 (reserved)", 1: "1 (most urgent)", 5: "5 (normal urgency)", 8: "8 (least urgent)",
           9: "9 (user-defined priority)"}
# ISO 2022 escape sequences the IIM names for 1:90 CodedCharacterSet; UTF-8's has a name of its own.
_ESCAPE_NAMES = {"\x1b%G": "UTF8"}


def urgency(value: Any) -> str:
    if value == "" or value is None:
        return "Unknown ()"
    code = int(value)
    return URGENCY.get(code, str(code))


def coded_character_set(value: Any) -> str:
    """The escape sequence in words: "UTF8", else each ESC sequence spelled out ("ESC ( B, ESC - A")."""
    if not isinstance(value, str):
        raise TypeError("not text")
    if value in _ESCAPE_NAMES:
        return _ESCAPE_NAMES[value]
    sequences = [part for part in value.split("\x1b") if part]
    return ", ".join("ESC " + " ".join(part) for part in sequences)


def text_code(table: dict[str, str]):
    """An IIM dataset whose text is a code (ObjectCycle "a"); other text prints "Unknown (x)"."""
    def convert(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not text")
        return table.get(value, f"Unknown ({value})")
    return convert


TABLE = {
    "FileFormat": FILE_FORMAT,
    "ObjectPreviewFileFormat": FILE_FORMAT,
    # IIM 2:75, 2:131, 2:42, 2:08
    "ObjectCycle": text_code({"a": "Morning", "p": "Evening", "b": "Both Morning and Evening"}),
    "ImageOrientation": text_code({"P": "Portrait", "L": "Landscape", "S": "Square"}),
    "ActionAdvised": text_code({"01": "Object Kill", "02": "Object Replace", "03": "Object Append",
                                "04": "Object Reference"}),
    "EditorialUpdate": text_code({"01": "Additional language"}),
    "EnvelopePriority": urgency,
    "Urgency": urgency,
    "CodedCharacterSet": coded_character_set,
}
