"""Parse the apply_patch envelope into hunks (no filesystem access here).

The language, informally:

    *** Begin Patch
    *** Add File: <path>        followed by "+line" lines (the whole new file)
    *** Delete File: <path>
    *** Update File: <path>     optionally "*** Move to: <path>", then chunks:
    @@ [context line]           followed by " ", "-", "+" lines, optionally "*** End of File"
    *** End Patch

Like the reference parser this is lenient where models are sloppy: markers may carry
surrounding whitespace, the first chunk of an update may omit its "@@", blank lines between
chunks are ignored, and the whole patch may still be wrapped in a `<<'EOF' ... EOF` heredoc.
Error texts match the reference's, since the model reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

BEGIN_PATCH = "*** Begin Patch"
END_PATCH = "*** End Patch"
ADD_FILE = "*** Add File: "
DELETE_FILE = "*** Delete File: "
UPDATE_FILE = "*** Update File: "
MOVE_TO = "*** Move to: "
END_OF_FILE = "*** End of File"
CONTEXT_MARKER = "@@ "
EMPTY_CONTEXT_MARKER = "@@"
_HEREDOC_OPENERS = ("<<EOF", "<<'EOF'", '<<"EOF"')


class ParseError(Exception):
    """A patch the parser rejects; `str()` is the reference's wording."""


class InvalidPatch(ParseError):
    def __init__(self, message: str) -> None:
        super().__init__(f"invalid patch: {message}")
        self.message = message


class InvalidHunk(ParseError):
    def __init__(self, message: str, line_number: int) -> None:
        super().__init__(f"invalid hunk at line {line_number}, {message}")
        self.message = message
        self.line_number = line_number


@dataclass
class UpdateChunk:
    # One line (usually a def/class header) that narrows where `old_lines` are searched.
    change_context: str | None
    old_lines: list[str] = field(default_factory=list)
    new_lines: list[str] = field(default_factory=list)
    # `old_lines` must sit at the end of the file.
    is_end_of_file: bool = False


@dataclass
class AddFile:
    path: str
    contents: str


@dataclass
class DeleteFile:
    path: str


@dataclass
class UpdateFile:
    path: str
    move_path: str | None
    chunks: list[UpdateChunk]


Hunk = AddFile | DeleteFile | UpdateFile


@dataclass
class ParsedPatch:
    hunks: list[Hunk]
    patch: str  # the envelope text itself (without any heredoc wrapper)


def _split_lines(text: str) -> list[str]:
    # Same as splitting on "\n" and dropping a "\r" before it; empty text has no lines at all.
    text = text.strip()
    if not text:
        return []
    return [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]


def _check_bounds(lines: list[str]) -> list[str]:
    first = lines[0].strip() if lines else None
    last = lines[-1].strip() if lines else None
    if first == BEGIN_PATCH and last == END_PATCH:
        return lines[1:-1]
    if first is not None and first != BEGIN_PATCH:
        raise InvalidPatch("The first line of the patch must be '*** Begin Patch'")
    raise InvalidPatch("The last line of the patch must be '*** End Patch'")


def _envelope(lines: list[str]) -> tuple[list[str], list[str]]:
    """(the patch's own lines, the hunk lines between its markers)."""
    try:
        return lines, _check_bounds(lines)
    except InvalidPatch as strict_error:
        # Some models pass the heredoc wrapper through literally; accept it when the inside is a patch.
        if len(lines) >= 4 and lines[0] in _HEREDOC_OPENERS and lines[-1].endswith("EOF"):
            inner = lines[1:-1]
            return inner, _check_bounds(inner)
        raise strict_error from None


def parse_patch(text: str) -> ParsedPatch:
    patch_lines, body = _envelope(_split_lines(text))
    hunks: list[Hunk] = []
    line_number = 2
    remaining = body
    while remaining:
        hunk, used = _parse_hunk(remaining, line_number)
        hunks.append(hunk)
        line_number += used
        remaining = remaining[used:]
    return ParsedPatch(hunks, "\n".join(patch_lines))


def _parse_hunk(lines: list[str], line_number: int) -> tuple[Hunk, int]:
    header = lines[0].strip()
    if header.startswith(ADD_FILE):
        contents = []
        used = 1
        for line in lines[1:]:
            if not line.startswith("+"):
                break
            contents.append(line[1:] + "\n")
            used += 1
        return AddFile(header[len(ADD_FILE) :], "".join(contents)), used
    if header.startswith(DELETE_FILE):
        return DeleteFile(header[len(DELETE_FILE) :]), 1
    if header.startswith(UPDATE_FILE):
        path = header[len(UPDATE_FILE) :]
        rest = lines[1:]
        used = 1
        move_path = None
        if rest and rest[0].startswith(MOVE_TO):
            move_path = rest[0][len(MOVE_TO) :]
            rest = rest[1:]
            used += 1
        chunks: list[UpdateChunk] = []
        while rest:
            if not rest[0].strip():
                used += 1
                rest = rest[1:]
                continue
            if rest[0].startswith("*"):
                break  # the next hunk's header (or the end of file marker of a broken chunk)
            chunk, chunk_used = _parse_chunk(rest, line_number + used, allow_missing_context=not chunks)
            chunks.append(chunk)
            used += chunk_used
            rest = rest[chunk_used:]
        if not chunks:
            raise InvalidHunk(f"Update file hunk for path '{path}' is empty", line_number)
        return UpdateFile(path, move_path, chunks), used
    raise InvalidHunk(
        f"'{header}' is not a valid hunk header. Valid hunk headers: "
        "'*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'",
        line_number,
    )


def _parse_chunk(
    lines: list[str], line_number: int, *, allow_missing_context: bool
) -> tuple[UpdateChunk, int]:
    first = lines[0]
    if first == EMPTY_CONTEXT_MARKER:
        context, start = None, 1
    elif first.startswith(CONTEXT_MARKER):
        context, start = first[len(CONTEXT_MARKER) :], 1
    elif allow_missing_context:
        context, start = None, 0
    else:
        raise InvalidHunk(
            f"Expected update hunk to start with a @@ context marker, got: '{first}'", line_number
        )
    if start >= len(lines):
        raise InvalidHunk("Update hunk does not contain any lines", line_number + 1)
    chunk = UpdateChunk(context)
    parsed = 0
    for line in lines[start:]:
        if line == END_OF_FILE:
            if parsed == 0:
                raise InvalidHunk("Update hunk does not contain any lines", line_number + 1)
            chunk.is_end_of_file = True
            parsed += 1
            break
        marker = line[:1]
        if marker == "":
            chunk.old_lines.append("")
            chunk.new_lines.append("")
        elif marker == " ":
            chunk.old_lines.append(line[1:])
            chunk.new_lines.append(line[1:])
        elif marker == "+":
            chunk.new_lines.append(line[1:])
        elif marker == "-":
            chunk.old_lines.append(line[1:])
        else:
            if parsed == 0:
                raise InvalidHunk(
                    f"Unexpected line found in update hunk: '{line}'. Every line should start with "
                    "' ' (context line), '+' (added line), or '-' (removed line)",
                    line_number + 1,
                )
            break  # the start of the next chunk ("@@ ...")
        parsed += 1
    return chunk, parsed + start
