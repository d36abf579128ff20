"""tools/doctest on small Markdown files: what it runs, what it compares, what fails it."""
import os
import subprocess
import sys

from conftest import ROOT

DOCTEST = os.path.join(ROOT, "tools", "doctest")


def doctest(tmp_path, markdown):
    page = tmp_path / "page.md"
    page.write_text(markdown)
    binary = os.environ.get("STEPLINE_BIN") or sys.executable  # any executable: these pages never call stepline
    result = subprocess.run([DOCTEST, "--binary", binary, str(page)], capture_output=True, text=True, timeout=120)
    return result.returncode, result.stdout + result.stderr


def test_console_output_matches_with_ellipses_and_state_carries_over(tmp_path):
    code, output = doctest(tmp_path, """
<!-- doctest -->
```sh
GREETING="hello"
```

<!-- doctest -->
```console
$ echo "$GREETING world, id 42"
hello … id …
$ printf 'one\\ntwo\\nthree\\n'
one
…
$ false            # exits 1: a documented failure
```
""")
    assert code == 0, output
    assert "2 blocks run, 0 skipped" in output


def test_a_different_output_fails_naming_the_line_and_both_texts(tmp_path):
    code, output = doctest(tmp_path, """
<!-- doctest -->
```console
$ echo hello
goodbye
```
""")
    assert code == 1
    assert "page.md:3+1: `echo hello` printed something else" in output
    assert "goodbye" in output and "hello" in output


def test_a_failing_command_in_a_sh_block_stops_the_block(tmp_path):
    code, output = doctest(tmp_path, """
<!-- doctest -->
```sh
echo before
ls /no/such/file
echo after
```
""")
    assert code == 1
    assert "the sh block failed (exit status 2)" in output
    assert "before" in output and "after" not in output


def test_python_output_is_compared_with_the_output_block(tmp_path):
    page = """
<!-- doctest -->
```python
print(6 * 7)
```
<!-- doctest: output -->
```text
%s
```
"""
    assert doctest(tmp_path, page % "42")[0] == 0
    code, output = doctest(tmp_path, page % "41")
    assert code == 1 and "it printed something else" in output


def test_an_unmarked_shell_block_is_an_error_and_a_skip_needs_a_reason(tmp_path):
    code, output = doctest(tmp_path, "```sh\necho hi\n```\n\n<!-- doctest: skip -->\n```sh\necho hi\n```\n")
    assert code == 1
    assert "page.md:1: a ```sh block without a doctest marker" in output
    assert "page.md:6: 'doctest: skip' needs a reason" in output


def test_the_default_port_is_replaced_by_a_free_one_and_shown_back(tmp_path):
    code, output = doctest(tmp_path, """
<!-- doctest -->
```console
$ echo "http://127.0.0.1:8423 $STEPLINE_PORT"
http://127.0.0.1:8423 8423
```
""")
    assert code == 0, output
