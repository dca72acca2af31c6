//! `exgen lsp` driven by a client nobody here wrote: pytest-lsp (PyPI) runs
//! `tests/lsp-e2e/test_exgen_lsp.py` against the binary cargo built for these tests, as Neovim
//! and as VS Code. Needs Python 3; the pinned packages of `tests/lsp-e2e/requirements.txt` are
//! installed with pip when missing. `EXGEN_SKIP_EDITOR_TESTS=1` skips it.

use crate::support::repo;
use std::io::Read;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const REQUIREMENTS: &str = "tests/lsp-e2e/requirements.txt";

/// The whole pytest run may take this long (it takes a few seconds); then it is killed.
const LIMIT: Duration = Duration::from_secs(180);

#[test]
fn pytest_lsp_drives_exgen_lsp_end_to_end() {
    if std::env::var_os("EXGEN_SKIP_EDITOR_TESTS").is_some_and(|v| v == "1") {
        eprintln!("EXGEN_SKIP_EDITOR_TESTS=1: the pytest-lsp end-to-end test is skipped");
        return;
    }
    let python = "python3";
    match Command::new(python).arg("--version").output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "`{python} --version` failed: {}\ninstall Python 3, or set EXGEN_SKIP_EDITOR_TESTS=1 \
             to skip the editor tests",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(e) => panic!(
            "`{python}` cannot be run ({e}): the end-to-end test of `exgen lsp` needs Python 3 \
             (with pip) on PATH; install it, or set EXGEN_SKIP_EDITOR_TESTS=1 to skip the \
             editor tests"
        ),
    }
    install_requirements(python);

    let mut child = Command::new(python)
        // Only the plugins the requirements pin, whatever else this Python has installed
        // (named with -p, their modules are imported before pytest could rewrite their asserts,
        // which it says in a warning that does not concern these tests).
        .args(["-m", "pytest", "-q", "-p", "pytest_asyncio.plugin", "-p", "pytest_lsp"])
        .args(["-W", "ignore::pytest.PytestAssertRewriteWarning"])
        .arg("tests/lsp-e2e")
        .current_dir(repo(""))
        .env("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        .env("EXGEN_BIN", env!("CARGO_BIN_EXE_exgen"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("PYTEST_ADDOPTS")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pytest starts");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("pytest waited for") {
            break Some(status);
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stdout = out.join().expect("stdout read");
    let stderr = err.join().expect("stderr read");
    let report = format!("--- pytest stdout\n{stdout}\n--- pytest stderr\n{stderr}");
    let Some(status) = status else {
        panic!("pytest did not finish in {LIMIT:?}\n{report}");
    };
    assert!(status.success(), "pytest failed ({status})\n{report}");
    // Every test ran: none skipped, deselected or expected to fail.
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.contains(" passed")
            && ["skipped", "deselected", "xfail", "xpass"]
                .iter()
                .all(|w| !summary.contains(w)),
        "unexpected summary `{summary}`\n{report}"
    );
}

/// Installs the pinned requirements unless the pinned pytest-lsp is importable already.
fn install_requirements(python: &str) {
    let requirements = std::fs::read_to_string(repo(REQUIREMENTS)).expect("requirements readable");
    let pinned = requirements
        .lines()
        .find_map(|l| l.trim().strip_prefix("pytest-lsp=="))
        .expect("requirements.txt pins pytest-lsp");
    let installed = Command::new(python)
        .args([
            "-c",
            "import importlib.metadata as m, pytest_lsp; print(m.version('pytest-lsp'))",
        ])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    if installed.as_deref() == Some(pinned) {
        return;
    }
    eprintln!(
        "pytest-lsp {pinned} is not installed (found {installed:?}): `{python} -m pip install -r \
         {REQUIREMENTS}`"
    );
    let Output { status, stderr, .. } = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
        ])
        .arg(repo(REQUIREMENTS))
        .stdin(Stdio::null())
        .output()
        .expect("pip runs");
    assert!(
        status.success(),
        "`{python} -m pip install -r {REQUIREMENTS}` failed:\n{}\ninstall those packages (a \
         virtual environment whose python3 is first on PATH will do), or set \
         EXGEN_SKIP_EDITOR_TESTS=1 to skip the editor tests",
        String::from_utf8_lossy(&stderr)
    );
}
