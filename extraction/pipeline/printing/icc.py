"""ICC_Profile printed values: signatures and codes from ICC.1:2010 and the ICC's registry of manufacturers."""

from typing import Any

# The ICC signature registry's manufacturer and CMM signatures (ProfileCMMType, DeviceManufacturer,
# ProfileCreator); an empty signature prints as nothing.
MANUFACTURERS = {
    "": "", "ADBE": "Adobe Systems Inc.", "AGFA": "Agfa Graphics N.V.", "APPL": "Apple Computer Inc.",
    "appl": "Apple Computer Inc.", "BRCO": "Barco NV", "bICC": "basICColor GmbH",
    "CANO": "Canon, Inc. (Canon Development Americas, Inc.)", "CASI": "Casio Computer Co., Ltd.",
    "DELL": "Dell Computer Corporation", "DIGI": "Digital", "EPSO": "Epson", "EXAC": "ExactCODE GmbH",
    "FF": "Fuji Photo Film Co.,LTD", "FUJI": "Fujitsu", "GCC": "GCC Technologies, Inc.",
    "GTMB": "Gretagmacbeth", "HDM": "Heidelberger Druckmaschinen AG", "HITA": "Hitachi America, Ltd.",
    "HP": "Hewlett-Packard", "IBM": "IBM Corporation", "IDNT": "Scitex Corporation, Ltd.",
    "IEC": "Hewlett-Packard",  # the IEC's sRGB profile was written by HP; ExifTool names its maker so
    "INTC": "Intel Corporation", "IOCO": "Iocomm International Technology Corporation",
    "IRIS": "Scitex Corporation, Ltd.", "ISL": "Ichikawa Soft Laboratory", "KODA": "Kodak", "KYOC": "Kyocera",
    "lcms": "Little CMS", "LEXM": "Lexmark International, Inc.", "Lino": "Linotronic",
    "MAGC": "Mag Computronic (USA) Inc.", "MINO": "Minolta", "MITS": "Mitsubishi Electronics America, Inc.",
    "MNLT": "Minolta", "MSFT": "Microsoft Corporation", "MUTO": "MUTOH INDUSTRIES LTD.", "NEC": "NEC Corporation",
    "NKON": "Nikon Corporation", "OKI": "Oki", "OLYM": "OLYMPUS OPTICAL CO., LTD",
    "PANA": "Matsushita Electric Industrial Co., Ltd.", "PHIL": "Philips Consumer Electronics Co.",
    "QMS": "QMS, Inc.", "RDG": "Roland DG Corporation", "RGMS": "Rolf Gierling Multitools",
    "RICO": "Ricoh Corporation", "SAMS": "Samsung, Inc.", "SEIK": "Seiko Instruments U.S.A., Inc.",
    "SICC": "International Color Consortium", "SONY": "SONY Corporation", "TOSB": "TOSHIBA corp.",
    "TOSH": "Toshiba, Inc.", "XRIT": "X-Rite",
}
PLATFORMS = {
    "APPL": "Apple Computer Inc.", "MSFT": "Microsoft Corporation", "SGI": "Silicon Graphics Inc.",
    "SUNW": "Sun Microsystems Inc.", "TGNT": "Taligent Inc.",
}
PROFILE_CLASS = {
    "scnr": "Input Device Profile", "mntr": "Display Device Profile", "prtr": "Output Device Profile",
    "link": "DeviceLink Profile", "spac": "ColorSpace Conversion Profile", "abst": "Abstract Profile",
    "nmcl": "NamedColor Profile", "nkpf": "Nikon Input Device Profile (NON-STANDARD!)",
}
RENDERING_INTENT = {
    0: "Perceptual", 1: "Media-Relative Colorimetric", 2: "Saturation", 3: "ICC-Absolute Colorimetric",
}
TECHNOLOGY = {
    "fscn": "Film Scanner", "dcam": "Digital Camera", "rscn": "Reflective Scanner", "ijet": "Ink Jet Printer",
    "twax": "Thermal Wax Printer", "epho": "Electrophotographic Printer", "esta": "Electrostatic Printer",
    "dsub": "Dye Sublimation Printer", "rpho": "Photographic Paper Printer", "fprn": "Film Writer",
    "vidm": "Video Monitor", "vidc": "Video Camera", "pjtv": "Projection Television",
    "CRT": "Cathode Ray Tube Display", "PMD": "Passive Matrix Display", "AMD": "Active Matrix Display",
    "KPCD": "Photo CD", "imgs": "Photo Image Setter", "grav": "Gravure", "offs": "Offset Lithography",
    "silk": "Silkscreen", "flex": "Flexography", "mpfs": "Motion Picture Film Scanner",
    "mpfr": "Motion Picture Film Recorder", "dmpc": "Digital Motion Picture Camera",
    "dcpj": "Digital Cinema Projector",
}
# Standard illuminants (measurementType and viewingConditionsType).
ILLUMINANT = {1: "D50", 2: "D65", 3: "D93", 4: "F2", 5: "D55", 6: "A", 7: "Equi-Power (E)", 8: "F8"}
OBSERVER = {1: "CIE 1931", 2: "CIE 1964"}
GEOMETRY = {0: "Unknown", 1: "0/45 or 45/0", 2: "0/d or d/0"}
COLORANT = {0: "Unknown", 1: "ITU-R BT.709", 2: "SMPTE RP145-1994", 3: "EBU Tech.3213-E", 4: "P22"}


def _signature(table: dict[str, str]) -> Any:
    def convert(value: Any) -> str:
        key = str(value).rstrip()
        return table[key] if key in table else f"Unknown ({value})"
    return convert


def profile_version(value: Any) -> str:
    """0x0210 (528) -> "2.1.0": major byte, then the minor and bug-fix nibbles."""
    number = int(value)
    return f"{number >> 8}.{(number >> 4) & 0xF}.{number & 0xF}"


def cmm_flags(value: Any) -> str:
    number = int(value)
    return f"{'Embedded' if number & 1 else 'Not Embedded'}, {'Not Independent' if number & 2 else 'Independent'}"


def device_attributes(value: Any) -> str:
    """The ICC's four attribute bits, in the low 32 bits of the 64-bit field (the second number)."""
    bits = int(value[1] if isinstance(value, list) else str(value).split()[1])
    return ", ".join((
        "Transparency" if bits & 1 else "Reflective", "Matte" if bits & 2 else "Glossy",
        "Negative" if bits & 4 else "Positive", "B&W" if bits & 8 else "Color",
    ))


def profile_id(value: Any) -> str:
    """The profile's MD5 as hex, or 0 when the profile leaves it unset."""
    raw = bytes(value)
    return raw.hex() if any(raw) else "0"


def percent(value: Any) -> str:
    return f"{float(value) * 100:g}%"


TABLE = {
    "ProfileCMMType": _signature(MANUFACTURERS),
    "DeviceManufacturer": _signature(MANUFACTURERS),
    "ProfileCreator": _signature(MANUFACTURERS),
    "PrimaryPlatform": _signature(PLATFORMS),
    "ProfileClass": _signature(PROFILE_CLASS),
    "ProfileVersion": profile_version,
    "CMMFlags": cmm_flags,
    "DeviceAttributes": device_attributes,
    "RenderingIntent": RENDERING_INTENT,
    "ProfileID": profile_id,
    "Technology": _signature(TECHNOLOGY),
    "MeasurementObserver": OBSERVER,
    "MeasurementGeometry": GEOMETRY,
    "MeasurementFlare": percent,
    "MeasurementIlluminant": ILLUMINANT,
    "ViewingCondIlluminantType": ILLUMINANT,
    "ChromaticityColorant": COLORANT,
}
