"""File group printed values: sizes in words, byte orders, JPEG coding processes (ITU T.81 table B.1)."""

from . import formats
from .exif import ycbcr_subsampling

# The SOF marker's low nibble (ExifTool's EncodingProcess) names the coding process.
ENCODING_PROCESS = {
    0: "Baseline DCT, Huffman coding", 1: "Extended sequential DCT, Huffman coding",
    2: "Progressive DCT, Huffman coding", 3: "Lossless, Huffman coding",
    5: "Sequential DCT, differential Huffman coding", 6: "Progressive DCT, differential Huffman coding",
    7: "Lossless, Differential Huffman coding", 9: "Extended sequential DCT, arithmetic coding",
    10: "Progressive DCT, arithmetic coding", 11: "Lossless, arithmetic coding",
    13: "Sequential DCT, differential arithmetic coding", 14: "Progressive DCT, differential arithmetic coding",
    15: "Lossless, differential arithmetic coding",
}
BYTE_ORDER = {"II": "Little-endian (Intel, II)", "MM": "Big-endian (Motorola, MM)"}

TABLE = {
    "FileSize": formats.file_size,
    "FileTypeExtension": formats.lowercase,
    "ExifByteOrder": formats.lookup_text(BYTE_ORDER),
    "EncodingProcess": ENCODING_PROCESS,
    "YCbCrSubSampling": ycbcr_subsampling,
}
