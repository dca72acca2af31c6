"""pytest-lsp drives `exgen lsp` as an editor would: one server process per test, started with
the capabilities a real client sends (pytest-lsp ships them), so every test runs twice: as
Neovim 0.11, which offers UTF-8 positions, and as VS Code 1.65, which offers none (UTF-16).

The binary is `$EXGEN_BIN` (a path relative to the repository root, or absolute), else
`target/debug/exgen`; `cargo test` sets it to the binary it built (tests/integration/lsp_e2e.rs).
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]
EXGEN = REPO / os.environ.get("EXGEN_BIN", "target/debug/exgen")

# Seconds to wait for any one answer: the server answers in milliseconds, so this only turns a
# server that never answers into a failure instead of a hang.
TIMEOUT = 10

# The clients each test runs as, and the position encoding `exgen lsp` must choose for each:
# UTF-8 when offered (Neovim offers utf-8, utf-16, utf-32), else UTF-16 (the LSP's default).
CLIENTS = {
    "neovim@v0.11.0": "utf-8",
    "visual-studio-code@v1.65.2": "utf-16",
}


def pytest_configure(config):
    if not EXGEN.is_file():
        raise pytest.UsageError(
            f"no exgen binary at {EXGEN}: run `cargo build` first, or set EXGEN_BIN"
        )


class ExgenClient(LanguageClient):
    """pytest-lsp's client, keeping every publishDiagnostics (with its version, which the stock
    client drops) so a test can wait for the publication of one version of one document."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self._new_publication = asyncio.Event()
        self.registrations: list[types.Registration] = []
        self.encoding: str = ""
        self.init_result: types.InitializeResult | None = None

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="exm", version=version, text=text
                )
            )
        )

    def change(self, uri: str, version: int, text: str) -> None:
        self.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=uri, version=version
                ),
                content_changes=[
                    types.TextDocumentContentChangeWholeDocument(text=text)
                ],
            )
        )

    async def diagnostics_of(
        self, uri: str, version: int
    ) -> list[types.Diagnostic]:
        """The diagnostics published for `version` of `uri`, waiting for them; publications of
        that document must come in version order and none may skip past `version`."""

        async def wait():
            seen = 0
            while True:
                for p in self.published[seen:]:
                    seen += 1
                    if p.uri != uri:
                        continue
                    assert p.version is not None, f"published without a version: {p}"
                    assert p.version <= version, (
                        f"version {p.version} published while waiting for {version}"
                    )
                    if p.version == version:
                        return list(p.diagnostics)
                self._new_publication.clear()
                await self._new_publication.wait()

        return await asyncio.wait_for(wait(), TIMEOUT)

    async def ask(self, request):
        """Awaits a request's answer, at most TIMEOUT seconds."""
        return await asyncio.wait_for(request, TIMEOUT)

    def character(self, line: str, index: int) -> int:
        """The LSP character of the string index `index` of `line`, in the negotiated
        encoding."""
        prefix = line[:index]
        if self.encoding == "utf-8":
            return len(prefix.encode("utf-8"))
        assert self.encoding == "utf-16", self.encoding
        return len(prefix.encode("utf-16-le")) // 2


def _record_publication(client: ExgenClient, params: types.PublishDiagnosticsParams):
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)
    client._new_publication.set()


def _register_capability(client: ExgenClient, params: types.RegistrationParams):
    # The capabilities these tests send (VS Code's) offer dynamic registration, which the
    # server then uses (watching CSV files): a client that offers it must accept it.
    client.registrations.extend(params.registrations)


def _unregister_capability(client: ExgenClient, params: types.UnregistrationParams):
    gone = {u.id for u in params.unregisterations}
    client.registrations = [r for r in client.registrations if r.id not in gone]


def _make_client() -> ExgenClient:
    client = ExgenClient(converter_factory=default_converter)
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publication
    features[types.CLIENT_REGISTER_CAPABILITY] = _register_capability
    features[types.CLIENT_UNREGISTER_CAPABILITY] = _unregister_capability
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(
        server_command=[str(EXGEN), "lsp"], client_factory=_make_client
    ),
    params=list(CLIENTS),
)
async def client(lsp_client: ExgenClient, request):
    capabilities = client_capabilities(request.param)
    lsp_client.init_result = await asyncio.wait_for(
        lsp_client.initialize_session(
            types.InitializeParams(capabilities=capabilities)
        ),
        TIMEOUT,
    )
    lsp_client.encoding = CLIENTS[request.param]
    chosen = lsp_client.init_result.capabilities.position_encoding
    assert chosen == lsp_client.encoding, f"{request.param}: the server chose {chosen}"
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), TIMEOUT)
