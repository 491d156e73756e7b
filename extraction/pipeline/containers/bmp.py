"""Reads a BMP header: the pixel size and the fields of its info header, under ExifTool's File tag names."""

import struct

from .base import Container, ContainerError


def read_bmp(data: bytes) -> Container:
    if len(data) < 26:
        raise ContainerError("The BMP header is truncated.")
    header_size = struct.unpack_from("<I", data, 14)[0]
    container = Container()
    if header_size == 12:  # OS/2 1.x BITMAPCOREHEADER
        width, height, planes, bits = struct.unpack_from("<HHHH", data, 18)
    elif header_size >= 40 and len(data) >= 34:
        width, height, planes, bits = struct.unpack_from("<iiHH", data, 18)
        if len(data) >= 54:
            compression, image_length, x_ppm, y_ppm, colors, important = struct.unpack_from("<IIiiII", data, 30)
            for name, value in (("Compression", compression), ("ImageLength", image_length),
                                ("PixelsPerMeterX", x_ppm), ("PixelsPerMeterY", y_ppm), ("NumColors", colors),
                                ("NumImportantColors", important)):
                container.put("File", name, value)
        elif len(data) >= 38:
            container.put("File", "Compression", struct.unpack_from("<I", data, 30)[0])
    else:
        raise ContainerError(f"Unknown BMP header size {header_size}.")
    container.width, container.height = abs(width), abs(height)
    container.put("File", "BMPVersion", header_size)
    container.put("File", "Planes", planes)
    container.put("File", "BitDepth", bits)
    return container
