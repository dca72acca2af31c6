"""`exgen lsp` end to end, through pytest-lsp's client: diagnostics published and cleared, hover
with the PowerShell a statement generates, completion of declared servers, rename of every
reference, and positions after non-ASCII text in the encoding the client negotiated.

Every position is a literal: line and character (0-based) in plans/contoso.exm, which a test
also checks names what it should, so a reader can see what is asserted.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcInvalidParams

from conftest import EXGEN, ExgenClient

HERE = Path(__file__).resolve().parent
PLAN_PATH = HERE / "plans" / "contoso.exm"
PLAN = PLAN_PATH.read_text(encoding="utf-8")
URI = PLAN_PATH.as_uri()
LINES = PLAN.split("\n")

# Where MAIL2007 is declared and every place it is used, as (line, start, end) in characters
# (ASCII lines: the same in UTF-8 and UTF-16).
MAIL2007 = [(21, 11, 19), (28, 26, 34), (48, 68, 76), (50, 22, 30), (54, 15, 23)]


def at(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def span(line: int, start: int, end: int) -> types.Range:
    return types.Range(start=at(line, start), end=at(line, end))


def doc(uri: str = URI) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def text_at(lines: list[str], client: ExgenClient, r: types.Range) -> str:
    """The text a one-line range covers, its characters counted in the client's encoding."""
    assert r.start.line == r.end.line, r
    line = lines[r.start.line]
    return line[index(client, line, r.start.character) : index(client, line, r.end.character)]


def index(client: ExgenClient, line: str, character: int) -> int:
    """The string index of the LSP `character` of `line` (the inverse of client.character)."""
    for i in range(len(line) + 1):
        if client.character(line, i) == character:
            return i
    raise AssertionError(f"character {character} is inside a character of {line!r}")


def apply(text: str, edits: list[types.TextEdit], client: ExgenClient) -> str:
    """`text` with one-line `edits` applied, as an editor would."""
    lines = text.split("\n")
    ordered = sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character))
    for edit in reversed(ordered):
        r = edit.range
        assert r.start.line == r.end.line, r
        line = lines[r.start.line]
        start = index(client, line, r.start.character)
        end = index(client, line, r.end.character)
        lines[r.start.line] = line[:start] + edit.new_text + line[end:]
    return "\n".join(lines)


def test_the_plan_under_test_names_what_the_positions_say():
    assert LINES[4] == '  organization "Contoso"'
    for line, start, end in MAIL2007:
        assert LINES[line][start:end] == "MAIL2007", (line, LINES[line])
    # Nowhere else: not in a comment either, so a rename must change exactly these.
    assert PLAN.count("MAIL2007") == len(MAIL2007)
    assert LINES[28].startswith("  certificate on MAIL2010")
    assert LINES[54] == "  decommission MAIL2007"


async def test_the_server_speaks_the_encoding_the_client_offers(client: ExgenClient):
    capabilities = client.init_result.capabilities
    assert capabilities.position_encoding == client.encoding
    assert capabilities.text_document_sync == types.TextDocumentSyncKind.Full
    assert client.init_result.server_info.name == "exgen"


async def test_a_broken_plan_is_diagnosed_and_cleared_as_it_is_fixed(client: ExgenClient):
    # Two mistakes: a misspelled keyword, which stops the check at the syntax stage, and an
    # undeclared server, which analysis reports once the syntax is right.
    broken = PLAN.replace("  organization", "  organisation").replace(
        "decommission MAIL2007", "decommission MAIL2003"
    )
    client.open(URI, broken, version=1)
    [keyword] = await client.diagnostics_of(URI, 1)
    assert keyword.code == "E0106"
    assert keyword.severity == types.DiagnosticSeverity.Error
    assert keyword.source == "exgen"
    assert keyword.range == span(4, 2, 14)
    assert text_at(broken.split("\n"), client, keyword.range) == "organisation"
    assert keyword.message.startswith("unknown keyword `organisation`")
    assert "help: did you mean `organization`?" in keyword.message

    halfway = PLAN.replace("decommission MAIL2007", "decommission MAIL2003")
    client.change(URI, 2, halfway)
    [server] = await client.diagnostics_of(URI, 2)
    assert server.code == "E0202"
    assert server.severity == types.DiagnosticSeverity.Error
    assert server.source == "exgen"
    assert server.range == span(54, 15, 23)
    assert server.message.startswith("undefined server `MAIL2003`")
    assert "did you mean `MAIL2007`?" in server.message

    client.change(URI, 3, PLAN)
    assert await client.diagnostics_of(URI, 3) == []


def powershell_blocks(markdown: str) -> list[tuple[str, int | None, str]]:
    """Each ```powershell block of `markdown`: the script file named last before it, the script
    line named with it (`FILE` line N), if any, and the block's text."""
    blocks = []
    for block in re.finditer(r"(`{3,})powershell\n(.*?)\n\1(?!`)", markdown, re.DOTALL):
        names = list(
            re.finditer(r"\b(\d\d-[a-z0-9-]+\.ps1)\b`?(?: line (\d+))?", markdown[: block.start()])
        )
        assert names, f"no script file named before the block:\n{markdown}"
        name, line = names[-1].group(1), names[-1].group(2)
        blocks.append((name, int(line) if line else None, block.group(2)))
    return blocks


def found_at(code: str, script: str) -> list[int]:
    """The 1-based lines of `script` where `code` starts: its lines, each as the script has it
    but for one indentation common to them all (a hover shows a step without the indentation of
    the block it is in; its blank lines may lose their spaces)."""
    wanted = code.split("\n")
    lines = script.split("\n")
    starts = []
    for first in range(len(lines) - len(wanted) + 1):
        head = lines[first]
        indent = head[: len(head) - len(head.lstrip())]
        if all(
            line == indent + want or (want == "" and line.strip() == "")
            for line, want in zip(lines[first : first + len(wanted)], wanted)
        ):
            starts.append(first + 1)
    return starts


@pytest.mark.parametrize(
    ("line", "character", "script", "generated"),
    [
        # `certificate on MAIL2010 MAIL2007 {`: the request on the new server.
        (28, 4, "08-certificate-request.ps1", "New-ExchangeCertificate -Server 'MAIL2010'"),
        # `decommission MAIL2007`: the emptiness checks before anything is removed.
        (54, 4, "22-decommission.ps1", "Get-Mailbox -Server 'MAIL2007'"),
    ],
)
async def test_hover_on_a_statement_shows_the_powershell_it_generates(
    client: ExgenClient, tmp_path: Path, line, character, script, generated
):
    out = tmp_path / "out"
    compiled = subprocess.run(
        [str(EXGEN), "compile", str(PLAN_PATH), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert compiled.returncode == 0, compiled.stderr
    assert client.init_result.capabilities.hover_provider

    client.open(URI, PLAN)
    assert await client.diagnostics_of(URI, 1) == []
    hover = await client.ask(
        client.text_document_hover_async(
            types.HoverParams(text_document=doc(), position=at(line, character))
        )
    )
    assert hover is not None, f"no hover on {LINES[line]!r}"
    assert isinstance(hover.contents, types.MarkupContent), hover
    assert hover.contents.kind == types.MarkupKind.Markdown
    markdown = hover.contents.value
    if hover.range is not None:
        assert hover.range.start.line <= line <= hover.range.end.line, hover.range

    blocks = powershell_blocks(markdown)
    assert blocks, f"no ```powershell block:\n{markdown}"
    for name, line_number, code in blocks:
        path = out / name
        assert path.is_file(), f"the hover names {name}, which compile did not write"
        written = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        assert code.strip(), f"an empty block for {name}"
        starts = found_at(code, written)
        assert starts, f"the block for {name} is not its text:\n{code}"
        if line_number is not None:
            assert line_number in starts, f"{name} line {line_number}: not there but at {starts}"
        # The step's own text, citing the statement hovered.
        assert f"# contoso.exm:{line + 1} " in code.split("\n")[0], code
    assert any(name == script and generated in code for name, _, code in blocks), (
        f"no block of {script} with `{generated}`:\n{markdown}"
    )


async def test_completion_after_a_keyword_offers_the_declared_servers(client: ExgenClient):
    lines = list(LINES)
    assert lines[27] == ""
    lines[27] = "  database EX2010DB02 on "
    lines[54] = "  decommission "
    client.open(URI, "\n".join(lines))

    for position in (at(27, 25), at(54, 15)):
        result = await client.ask(
            client.text_document_completion_async(
                types.CompletionParams(text_document=doc(), position=position)
            )
        )
        items = result.items if isinstance(result, types.CompletionList) else result
        servers = {i.label: i for i in items if i.detail == "server"}
        assert set(servers) == {"MAIL2007", "MAIL2010"}, position
        assert all(i.kind == types.CompletionItemKind.Class for i in servers.values())
        labels = {i.label for i in items}
        assert "organization" not in labels, (position, labels)

    # At the start of the statement, keywords instead, and no names.
    result = await client.ask(
        client.text_document_completion_async(
            types.CompletionParams(text_document=doc(), position=at(54, 2))
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = {i.label for i in items}
    assert {"decommission", "organization", "certificate"} <= labels, labels
    assert "MAIL2007" not in labels


async def test_rename_edits_the_declaration_and_every_reference(client: ExgenClient):
    client.open(URI, PLAN)
    assert await client.diagnostics_of(URI, 1) == []

    # On `MAIL2007` in `public-folders from MAIL2007 to MAIL2010`.
    prepared = await client.ask(
        client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(), position=at(50, 24))
        )
    )
    assert prepared == span(50, 22, 30)

    # On the keyword `public-folders`: refused (InvalidParams), with the reason.
    with pytest.raises(JsonRpcInvalidParams, match="only the name of .* can be renamed"):
        await client.ask(
            client.text_document_prepare_rename_async(
                types.PrepareRenameParams(text_document=doc(), position=at(50, 4))
            )
        )

    edit = await client.ask(
        client.text_document_rename_async(
            types.RenameParams(text_document=doc(), position=at(50, 24), new_name="EXOLD01")
        )
    )
    assert edit is not None
    assert set(edit.changes) == {URI}
    edits = edit.changes[URI]
    assert sorted(
        (e.range.start.line, e.range.start.character, e.range.end.character) for e in edits
    ) == MAIL2007
    assert all(e.range.start.line == e.range.end.line for e in edits)
    assert {e.new_text for e in edits} == {"EXOLD01"}

    renamed = apply(PLAN, edits, client)
    assert renamed == PLAN.replace("MAIL2007", "EXOLD01")
    client.change(URI, 2, renamed)
    assert await client.diagnostics_of(URI, 2) == []


async def test_positions_after_accents_cjk_and_an_emoji_count_in_the_negotiated_encoding(
    client: ExgenClient,
):
    # Line 48 becomes
    #   `  move mailboxes to EX2010DB01 { batch "Équipe 中央 😀"; from server MAIL2007 }`
    # where É is 2 UTF-8 bytes and 1 UTF-16 unit, 中 and 央 3 bytes and 1 unit each, and 😀 4
    # bytes and 2 units (a surrogate pair): MAIL2007, the 67th character, starts at byte 74, unit 67.
    text = PLAN.replace('batch "Everyone else"', 'batch "Équipe 中央 😀"')
    lines = text.split("\n")
    start = {"utf-8": 74, "utf-16": 67}[client.encoding]
    assert client.character(lines[48], lines[48].index("MAIL2007")) == start
    end = start + len("MAIL2007")

    # A diagnostic there, with its range in the negotiated encoding.
    broken = text.replace("from server MAIL2007", "from server MAIL2003")
    client.open(URI, broken, version=1)
    diagnostics = await client.diagnostics_of(URI, 1)
    undefined = [d for d in diagnostics if d.code == "E0202"]
    assert len(undefined) == 1, diagnostics
    assert undefined[0].range == span(48, start, end)
    assert text_at(broken.split("\n"), client, undefined[0].range) == "MAIL2003"
    # MAIL2007 is left with mailboxes nobody moves: reported at `decommission`.
    assert {d.code for d in diagnostics} == {"E0202", "E0403"}

    client.change(URI, 2, text)
    assert await client.diagnostics_of(URI, 2) == []

    # A position after the emoji is read in the same encoding: from inside that MAIL2007 to its
    # declaration (a misread position would land in the string and find nothing).
    definition = await client.ask(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(), position=at(48, start + 3))
        )
    )
    locations = definition if isinstance(definition, list) else [definition]
    assert [(loc.uri, loc.range) for loc in locations] == [(URI, span(21, 11, 19))]

    edit = await client.ask(
        client.text_document_rename_async(
            types.RenameParams(
                text_document=doc(), position=at(48, start + 3), new_name="EXOLD01"
            )
        )
    )
    edits = edit.changes[URI]
    assert span(48, start, end) in [e.range for e in edits]
    assert len(edits) == len(MAIL2007)
    renamed = apply(text, edits, client)
    assert renamed == text.replace("MAIL2007", "EXOLD01")
    client.change(URI, 3, renamed)
    assert await client.diagnostics_of(URI, 3) == []
