"""Shared plumbing for the media handlers in tools/media (Python 3 standard library only).

Every handler follows Stepline's local command contract:

- the task input is one JSON value on standard input;
- the result is one JSON value on standard output, exit status 0;
- a failure prints {"error": "Media.…", "cause": "…"} on standard output and exits 1,
  so the engine turns it into the task failure's error and cause (a Retry or Catch in
  the workflow can then match the error name);
- the engine passes the attempt's idempotency key in $STEPLINE_IDEMPOTENCY_KEY.

ffmpeg and ffprobe are found on $PATH, or at $STEPLINE_FFMPEG / $STEPLINE_FFPROBE.
"""
import errno
import json
import os
import shutil
import subprocess
import sys
import tempfile

# Error names a workflow can Retry or Catch on.
FILE_NOT_FOUND = "Media.FileNotFound"
UNSUPPORTED_CODEC = "Media.UnsupportedCodec"
DISK_FULL = "Media.DiskFull"
TRANSCODE_FAILED = "Media.TranscodeFailed"
INVALID_INPUT = "Media.InvalidInput"
TOOL_MISSING = "Media.ToolMissing"
NOTHING_TO_PUBLISH = "Media.NothingToPublish"

# How much of ffmpeg's standard error a failure keeps: the end is where ffmpeg says why.
STDERR_TAIL = 2000

# ffmpeg's words for output it could not finish, printed even when it exits 0.
_OUTPUT_FAILURE_MARKERS = ("Error writing trailer", "Error closing file", "No space left on device")

# ffmpeg's words for input it cannot decode (demuxer or decoder missing, garbage input).
_UNSUPPORTED_MARKERS = (
    "Invalid data found when processing input",
    "moov atom not found",
    "Decoder (codec",
    "Unknown decoder",
    "could not find codec parameters",
    "Unsupported codec",
    "no decoder found",
)


class MediaError(Exception):
    """A failure with an error name the workflow can match and a cause a person can read."""

    def __init__(self, error, cause):
        super().__init__(cause)
        self.error = error
        self.cause = cause


def main(handler):
    """Runs `handler(input) -> result` under the command contract and exits."""
    try:
        text = sys.stdin.read()
        try:
            document = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as error:
            raise MediaError(INVALID_INPUT, f"the task input is not JSON: {error}")
        if not isinstance(document, dict):
            raise MediaError(INVALID_INPUT, f"the task input must be a JSON object, not {type(document).__name__}")
        result = handler(document)
    except MediaError as error:
        _emit({"error": error.error, "cause": error.cause})
        sys.exit(1)
    except OSError as error:
        if error.errno == errno.ENOSPC:
            _emit({"error": DISK_FULL, "cause": f"no space left on device: {error}"})
        else:
            _emit({"error": "Media.IOError", "cause": str(error)})
        sys.exit(1)
    _emit(result)
    sys.exit(0)


def _emit(value):
    sys.stdout.write(json.dumps(value, sort_keys=True) + "\n")
    sys.stdout.flush()


def require(document, name, kind=str):
    """The field `name` of the input, of type `kind`, or a Media.InvalidInput failure."""
    if name not in document:
        raise MediaError(INVALID_INPUT, f"the task input has no field '{name}'")
    value = document[name]
    if kind is int and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise MediaError(INVALID_INPUT, f"'{name}' must be {kind.__name__}, not {json.dumps(value)}")
    return value


def existing_file(path, field="source"):
    """`path` made absolute if it names a readable regular file, else Media.FileNotFound."""
    if not isinstance(path, str) or not path:
        raise MediaError(INVALID_INPUT, f"'{field}' must be a file path")
    if not os.path.isfile(path):
        raise MediaError(FILE_NOT_FOUND, f"{field} {path} does not exist or is not a regular file")
    return os.path.abspath(path)


def directory_path(path, field):
    """A directory path from the input; made absolute, '..' segments refused."""
    if not isinstance(path, str) or not path:
        raise MediaError(INVALID_INPUT, f"'{field}' must be a directory path")
    if ".." in path.split(os.sep):
        raise MediaError(INVALID_INPUT, f"'{field}' must not contain '..': {path}")
    return os.path.abspath(path)


def tool(name):
    """The path of ffmpeg or ffprobe ($STEPLINE_FFMPEG / $STEPLINE_FFPROBE override $PATH)."""
    override = os.environ.get(f"STEPLINE_{name.upper()}")
    found = override or shutil.which(name)
    if not found:
        raise MediaError(TOOL_MISSING, f"{name} is not installed (tools/setup installs ffmpeg)")
    return found


def run_tool(name, arguments, failure=TRANSCODE_FAILED):
    """Runs ffmpeg/ffprobe; classifies a failure as DiskFull, UnsupportedCodec or `failure`."""
    command = [tool(name), *arguments]
    completed = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    stderr = completed.stderr.strip()
    if completed.returncode != 0:
        raise MediaError(classify(stderr, failure), f"{name} exited with {completed.returncode}: {stderr[-STDERR_TAIL:]}")
    # ffmpeg 5 exits 0 when it cannot write the trailer or close the output (a full disk
    # among other causes), leaving a truncated file: its words are the only signal.
    if any(marker in stderr for marker in _OUTPUT_FAILURE_MARKERS):
        raise MediaError(classify(stderr, failure), f"{name} could not finish its output: {stderr[-STDERR_TAIL:]}")
    return completed.stdout


def classify(stderr, failure):
    """The error name for an ffmpeg failure, from what it printed."""
    if "No space left on device" in stderr or "ENOSPC" in stderr:
        return DISK_FULL
    if any(marker in stderr for marker in _UNSUPPORTED_MARKERS):
        return UNSUPPORTED_CODEC
    return failure


def probe(source):
    """ffprobe's streams and format for `source` as a dict."""
    output = run_tool(
        "ffprobe",
        ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", source],
        failure=UNSUPPORTED_CODEC,
    )
    try:
        return json.loads(output)
    except json.JSONDecodeError as error:
        raise MediaError(UNSUPPORTED_CODEC, f"ffprobe printed output that is not JSON for {source}: {error}")


def duration_of(source):
    """The duration of `source` in seconds, from ffprobe."""
    info = probe(source)
    try:
        return float(info["format"]["duration"])
    except (KeyError, TypeError, ValueError):
        raise MediaError(UNSUPPORTED_CODEC, f"ffprobe reports no duration for {source}")


def scratch_directory(parent):
    """A new temporary directory inside `parent`, so a later rename stays on one file system."""
    os.makedirs(parent, exist_ok=True)
    return tempfile.mkdtemp(prefix=".partial-", dir=parent)


def replace_directory(temporary, final):
    """Moves the finished `temporary` directory to `final`, replacing an older one."""
    os.chmod(temporary, 0o755)  # mkdtemp makes it private; the result is for people to look at
    if os.path.isdir(final):
        shutil.rmtree(final)
    os.replace(temporary, final)


def fsync_path(path):
    """Flushes a file (or directory entry) to disk, so a rename publishes complete bytes."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
