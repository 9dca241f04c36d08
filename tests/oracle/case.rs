//! One differential case: the files a run starts with, its command line, and what a run
//! left behind (exit status, both streams, files written).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// Bytes as JSON: text when it is plain printable ASCII (reviewable in a diff), hex otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Blob {
    Text(String),
    Hex(String),
}

impl Blob {
    pub fn of(bytes: &[u8]) -> Blob {
        let plain = bytes
            .iter()
            .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7f).contains(&b));
        if plain {
            Blob::Text(String::from_utf8_lossy(bytes).into_owned())
        } else {
            Blob::Hex(hex::encode(bytes))
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        match self {
            Blob::Text(t) => t.clone().into_bytes(),
            Blob::Hex(h) => hex::decode(h).unwrap_or_default(),
        }
    }
}

/// Which built-in table text a case's table file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableText {
    Sip7912,
    Ata186,
}

impl TableText {
    pub fn text(self) -> &'static str {
        match self {
            TableText::Sip7912 => include_str!("../../formats/tables/7905-7912-sip.dat"),
            TableText::Ata186 => include_str!("../../formats/tables/ata186-sip-3.1.dat"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    /// What the case exercises: `compile`, `decode`, `argv`, `table`.
    pub group: String,
    pub args: Vec<String>,
    /// Table files written before the run: (file name, which table).
    pub tables: Vec<(String, TableText)>,
    /// Other input files: (file name, bytes).
    pub files: Vec<(String, Blob)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Exit status; `None` when a signal ended the process.
    pub status: Option<i32>,
    /// The signal that ended the process, if one did.
    pub signal: Option<i32>,
    pub stdout: Blob,
    pub stderr: Blob,
    /// Files that are new or changed after the run.
    pub files: BTreeMap<String, Blob>,
}

impl Outcome {
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.bytes()
    }
    pub fn stderr(&self) -> Vec<u8> {
        self.stderr.bytes()
    }
}

/// Longest a run may take: the original never needs more than milliseconds.
const TIMEOUT: Duration = Duration::from_secs(20);

/// Runs `program` on `case` in a fresh folder.
pub fn run(program: &Path, case: &Case) -> std::io::Result<Outcome> {
    let dir = tempfile::tempdir()?;
    let mut before: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for (name, table) in &case.tables {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, table.text())?;
        before.insert(name.clone(), table.text().as_bytes().to_vec());
    }
    for (name, blob) in &case.files {
        let path = dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, blob.bytes())?;
        before.insert(name.clone(), blob.bytes());
    }
    let mut child = Command::new(program)
        .args(&case.args)
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut out = child.stdout.take().expect("piped");
    let mut err = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            break child.wait()?;
        }
        std::thread::sleep(Duration::from_micros(300));
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    let mut files = BTreeMap::new();
    collect(dir.path(), dir.path(), &before, &mut files)?;
    use std::os::unix::process::ExitStatusExt;
    Ok(Outcome {
        status: status.code(),
        signal: status.signal(),
        stdout: Blob::of(&stdout),
        stderr: Blob::of(&stderr),
        files,
    })
}

fn collect(
    root: &Path,
    dir: &Path,
    before: &BTreeMap<String, Vec<u8>>,
    out: &mut BTreeMap<String, Blob>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            collect(root, &path, before, out)?;
            continue;
        }
        let name = path
            .strip_prefix(root)
            .unwrap_or(&path)
            .to_string_lossy()
            .into_owned();
        let bytes = std::fs::read(&path)?;
        if before.get(&name) != Some(&bytes) {
            out.insert(name, Blob::of(&bytes));
        }
    }
    Ok(())
}

/// One recorded case: what the original did, and how we stood then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Record {
    pub case: Case,
    pub oracle: Outcome,
    /// `None`: we must match the original; `Some(reason)`: a documented deliberate
    /// difference, recognised by this phrase in our messages.
    pub deliberate: Option<String>,
}
