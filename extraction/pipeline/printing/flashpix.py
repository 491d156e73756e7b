"""FlashPix printed values: Microsoft's code page identifiers and the FlashPix extension persistence codes."""

CODE_PAGE = {
    37: "IBM EBCDIC US-Canada", 437: "DOS United States", 850: "DOS Latin 1 (Western European)",
    852: "DOS Latin 2 (Central European)", 866: "DOS Russian (Cyrillic)",
    874: "Windows Thai (same as 28605, ISO 8859-15)", 932: "Windows Japanese (Shift-JIS)",
    936: "Windows Simplified Chinese (PRC, Singapore)", 949: "Windows Korean (Unified Hangul Code)",
    950: "Windows Traditional Chinese (Taiwan)", 1200: "Unicode UTF-16, little endian",
    1201: "Unicode UTF-16, big endian", 1250: "Windows Latin 2 (Central European)", 1251: "Windows Cyrillic",
    1252: "Windows Latin 1 (Western European)", 1253: "Windows Greek", 1254: "Windows Turkish",
    1255: "Windows Hebrew", 1256: "Windows Arabic", 1257: "Windows Baltic", 1258: "Windows Vietnamese",
    10000: "Mac Roman (Western European)", 10001: "Mac Japanese", 20127: "US-ASCII (7-bit)",
    28591: "ISO 8859-1 Latin 1 (Western European)", 65000: "Unicode (UTF-7)", 65001: "Unicode (UTF-8)",
}
PERSISTENCE = {0: "Always Valid", 1: "Invalidated By Modification", 2: "Potentially Invalidated By Modification"}

TABLE = {
    "CodePage": CODE_PAGE,
    "ExtensionPersistence": PERSISTENCE,
}
