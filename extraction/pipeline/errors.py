"""The one exception the pipeline raises: a stable error code with a human message."""


class PipelineError(Exception):
    """A file the pipeline cannot handle, with a stable lowercase code (see docs/metadata.md)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self):  # picklable with both arguments (a child process raises it, docs/deploy.md)
        return (type(self), (self.code, self.message))

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message}
