"""The one exception the pipeline raises: a stable error code with a human message."""


class PipelineError(Exception):
    """A file the pipeline cannot handle, with a stable lowercase code (see docs/metadata.md)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}
