//! Applying a plan so that a kill at any moment leaves the root as before or as after, and
//! undoing the last apply exactly.
//!
//! Everything lives in a hidden folder of the root, [`DIR`] (owner-only: the old files it
//! keeps hold passwords):
//!
//! - `state.json`: each file provision wrote, with the SHA-256 of what it wrote. A file on
//!   disk whose hash differs was not written by provision (or was edited since): the plan
//!   refuses to replace it without `--force`.
//! - `txn.tmp/` → `txn/`: one apply in flight. Every new file is written into `txn.tmp/new/`
//!   and every file it replaces or removes is linked into `txn.tmp/old/`, with `intent.json`
//!   listing them; all is flushed, then `txn.tmp` is renamed `txn`: the commit point.
//!   Then each new file is renamed into the root and each removed one unlinked. Last, the
//!   new `state.json` is written and `txn` becomes `undo/`.
//! - On the next run ([`recover`]): a `txn.tmp` is deleted (the root was not touched: as
//!   before); a `txn` is finished (renames are idempotent: as after).
//! - `undo/`: the last apply's journal. [`undo`] applies its inverse through the same steps,
//!   so an undo is itself kill-safe, and undoing twice re-applies.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::plan::{Action, Plan};
use crate::io::Durability;

/// The hidden folder in the root.
pub const DIR: &str = ".cfgfmt-provision";
const STATE: &str = "state.json";
const TXN_TMP: &str = "txn.tmp";
const TXN: &str = "txn";
const UNDO: &str = "undo";
const UNDO_OLD: &str = "undo.old";
const INTENT: &str = "intent.json";
/// Largest journal file read (a million files' names and hashes).
const MAX_JOURNAL: u64 = 256 << 20;

/// Hex SHA-256.
pub fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The files provision wrote, with the hash of what it wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    pub files: BTreeMap<String, String>,
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{}: {source}", .path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: not a journal provision can read: {why}", .path.display())]
    Corrupt { path: PathBuf, why: String },
    #[error("no apply to undo in {0}")]
    NothingToUndo(String),
    #[error(
        "an interrupted apply is pending in {0}: run `cfgfmt-rs provision --root {0} --recover`"
    )]
    Pending(String),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn dir(root: &Path) -> PathBuf {
    root.join(DIR)
}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, JournalError> {
    let bytes = crate::text::read_bounded(
        path,
        crate::io::Limit::new(MAX_JOURNAL, "not a provision journal"),
    )
    .map_err(|e| JournalError::Corrupt {
        path: path.to_path_buf(),
        why: e.to_string(),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| JournalError::Corrupt {
        path: path.to_path_buf(),
        why: e.to_string(),
    })
}

/// A name provision may write or remove in the root: a plain file name, no folder part.
fn plain_name(name: &str) -> bool {
    !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && name != DIR
}

impl State {
    /// The state of `root` (empty when provision never wrote there). Names that are not
    /// plain file names are dropped: nothing outside the root is ever touched.
    pub fn load(root: &Path) -> Result<State, JournalError> {
        let path = dir(root).join(STATE);
        if !path.exists() {
            return Ok(State::default());
        }
        let mut state: State = read_json(&path)?;
        state.files.retain(|n, _| plain_name(n));
        Ok(state)
    }

    fn save(&self, root: &Path) -> Result<(), JournalError> {
        let path = dir(root).join(STATE);
        let bytes = serde_json::to_vec(self).map_err(|e| JournalError::Corrupt {
            path: path.clone(),
            why: e.to_string(),
        })?;
        crate::io::write_private_atomic(&path, &bytes, crate::io::Durability::Rename).map_err(|e| {
            JournalError::Io {
                path: path.clone(),
                source: std::io::Error::other(e.to_string()),
            }
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Act {
    Write,
    Remove,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    name: String,
    act: Act,
    /// A file was there before: its bytes are `old/<index>`.
    had_old: bool,
    /// The hash of what was written (for [`Act::Write`]).
    #[serde(default)]
    new_sha: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Intent {
    version: u32,
    /// `apply` or `undo`.
    what: String,
    entries: Vec<Entry>,
    state_before: State,
    state_after: State,
}

/// A journal's intent; refused if it names anything but plain file names.
fn read_intent(path: &Path) -> Result<Intent, JournalError> {
    let intent: Intent = read_json(path)?;
    if let Some(e) = intent.entries.iter().find(|e| !plain_name(&e.name)) {
        return Err(JournalError::Corrupt {
            path: path.to_path_buf(),
            why: format!("{:?} is not a file name in the root", e.name),
        });
    }
    Ok(intent)
}

/// The bytes of a regular file of the root (bounded); `None` for anything else, unreadable
/// or absent. A FIFO is never opened: that would wait for a writer forever.
pub(super) fn read_regular(path: &Path) -> Option<Vec<u8>> {
    std::fs::symlink_metadata(path)
        .ok()
        .filter(|m| m.is_file())?;
    crate::io::read_bounded(path, crate::io::Limit::ROOT_FILE).ok()
}

/// Whether an interrupted apply waits in `root`.
pub fn pending(root: &Path) -> bool {
    let d = dir(root);
    d.join(TXN).exists() || d.join(TXN_TMP).exists()
}

/// Finishes or drops an interrupted apply: `Some("apply"|"undo", rolled_forward)` when there
/// was one.
pub fn recover(root: &Path) -> Result<Option<(String, bool)>, JournalError> {
    let d = dir(root);
    let tmp = d.join(TXN_TMP);
    let txn = d.join(TXN);
    let mut out = None;
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        out = Some(("apply".to_string(), false));
    }
    if txn.exists() {
        let intent: Intent = read_intent(&txn.join(INTENT))?;
        roll_forward(root, &txn, &intent)?;
        finish(root, &txn, &intent, Durability::Rename)?;
        out = Some((intent.what, true));
    }
    let old = d.join(UNDO_OLD);
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(out)
}

fn roll_forward(root: &Path, txn: &Path, intent: &Intent) -> Result<(), JournalError> {
    for (i, e) in intent.entries.iter().enumerate() {
        let dest = root.join(&e.name);
        match e.act {
            Act::Write => {
                let staged = txn.join("new").join(i.to_string());
                if staged.exists() {
                    std::fs::rename(&staged, &dest).map_err(io(&dest))?;
                }
            }
            Act::Remove => match std::fs::remove_file(&dest) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io(&dest)(e)),
            },
        }
    }
    Ok(())
}

/// With [`Durability::Flush`], waits until everything written so far is on the disk (one
/// `syncfs`): for a power cut. A kill needs no flush: the kernel keeps what was written.
fn flush(path: &Path, durability: Durability) -> Result<(), JournalError> {
    match durability {
        Durability::Flush => crate::io::flush_file_system(path).map_err(io(path)),
        Durability::Rename => Ok(()),
    }
}

fn finish(
    root: &Path,
    txn: &Path,
    intent: &Intent,
    durability: Durability,
) -> Result<(), JournalError> {
    flush(root, durability)?;
    intent.state_after.save(root)?;
    let d = dir(root);
    let undo = d.join(UNDO);
    let old = d.join(UNDO_OLD);
    if undo.exists() {
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        std::fs::rename(&undo, &old).map_err(io(&undo))?;
    }
    let _ = std::fs::remove_dir(txn.join("new"));
    std::fs::rename(txn, &undo).map_err(io(txn))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    flush(&d, durability)
}

/// Links (or, across file systems, copies) `from` to `to`.
fn keep(from: &Path, to: &Path) -> Result<(), JournalError> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).map_err(io(from))?;
    }
    Ok(())
}

fn private_dir(path: &Path) -> Result<(), JournalError> {
    std::fs::create_dir_all(path).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700)).map_err(io(path))?;
    }
    Ok(())
}

/// A hook for the kill tests: sleep this many milliseconds between steps.
fn step_pause() {
    if let Some(ms) = std::env::var("CFGFMT_PROVISION_STEP_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// Writes and removes files as one transaction (see the module notes).
fn transact(
    root: &Path,
    what: &str,
    writes: &[(&str, &[u8])],
    removes: &[&str],
    state_before: State,
    state_after: State,
    durability: Durability,
) -> Result<(), JournalError> {
    let (tmp, intent) = stage(
        root,
        what,
        writes,
        removes,
        state_before,
        state_after,
        durability,
    )?;
    let d = dir(root);
    let txn = d.join(TXN);
    std::fs::rename(&tmp, &txn).map_err(io(&txn))?;
    flush(&d, durability)?;
    step_pause();
    for (i, e) in intent.entries.iter().enumerate() {
        let dest = root.join(&e.name);
        match e.act {
            Act::Write => {
                let staged = txn.join("new").join(i.to_string());
                std::fs::rename(&staged, &dest).map_err(io(&dest))?;
            }
            Act::Remove => {
                let _ = std::fs::remove_file(&dest);
            }
        }
        if i % 16 == 0 {
            step_pause();
        }
    }
    finish(root, &txn, &intent, durability)
}

/// Everything up to the commit point: `txn.tmp` holding the new files, links to the old
/// ones and the intent, flushed. The root is untouched.
fn stage(
    root: &Path,
    what: &str,
    writes: &[(&str, &[u8])],
    removes: &[&str],
    state_before: State,
    state_after: State,
    durability: Durability,
) -> Result<(PathBuf, Intent), JournalError> {
    recover(root)?;
    let d = dir(root);
    private_dir(&d)?;
    let tmp = d.join(TXN_TMP);
    std::fs::create_dir(&tmp).map_err(io(&tmp))?;
    std::fs::create_dir(tmp.join("new")).map_err(io(&tmp))?;
    std::fs::create_dir(tmp.join("old")).map_err(io(&tmp))?;
    let mut entries = Vec::with_capacity(writes.len() + removes.len());
    for (i, (name, bytes)) in writes.iter().enumerate() {
        let dest = root.join(name);
        // Before the commit point: a folder at the name would make the renames fail
        // half-way, with a journal that cannot be finished.
        if std::fs::symlink_metadata(&dest).is_ok_and(|m| m.is_dir()) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(io(&dest)(std::io::Error::other(
                "a folder is in the way of a file provision writes",
            )));
        }
        let staged = tmp.join("new").join(i.to_string());
        std::fs::write(&staged, bytes).map_err(io(&staged))?;
        let had_old = dest.is_file();
        if had_old {
            keep(&dest, &tmp.join("old").join(i.to_string()))?;
            if let Ok(meta) = std::fs::metadata(&dest) {
                let _ = std::fs::set_permissions(&staged, meta.permissions());
            }
        }
        entries.push(Entry {
            name: name.to_string(),
            act: Act::Write,
            had_old,
            new_sha: Some(sha(bytes)),
        });
        if i % 64 == 0 {
            step_pause();
        }
    }
    for name in removes {
        let i = entries.len();
        let dest = root.join(name);
        let had_old = dest.is_file();
        if had_old {
            keep(&dest, &tmp.join("old").join(i.to_string()))?;
        }
        entries.push(Entry {
            name: name.to_string(),
            act: Act::Remove,
            had_old,
            new_sha: None,
        });
    }
    let intent = Intent {
        version: 1,
        what: what.to_string(),
        entries,
        state_before,
        state_after,
    };
    let bytes = serde_json::to_vec(&intent).map_err(|e| JournalError::Corrupt {
        path: tmp.clone(),
        why: e.to_string(),
    })?;
    std::fs::write(tmp.join(INTENT), bytes).map_err(io(&tmp))?;
    flush(&tmp, durability)?;
    step_pause();
    Ok((tmp, intent))
}

/// What an apply or undo did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Done {
    pub written: Vec<String>,
    pub removed: Vec<String>,
}

/// Writes a plan's changes. The caller checks [`Plan::blocked`] first.
pub fn apply(plan: &Plan, root: &Path, durability: Durability) -> Result<Done, JournalError> {
    let before = State::load(root)?;
    let writes: Vec<(&str, &[u8])> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Remove)
        .map(|c| (c.name.as_str(), c.bytes.as_slice()))
        .collect();
    let removes: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Remove)
        .map(|c| c.name.as_str())
        .collect();
    if writes.is_empty() && removes.is_empty() {
        if before != plan.state_after {
            plan.state_after.save(root)?;
        }
        return Ok(Done::default());
    }
    transact(
        root,
        "apply",
        &writes,
        &removes,
        before,
        plan.state_after.clone(),
        durability,
    )?;
    Ok(Done {
        written: writes.iter().map(|(n, _)| n.to_string()).collect(),
        removed: removes.iter().map(|n| n.to_string()).collect(),
    })
}

/// What an undo would do, and the files changed since the apply (refused without force).
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct UndoPlan {
    /// Files restored to the bytes the apply replaced.
    pub restore: Vec<String>,
    /// Files the apply created, removed again.
    pub remove: Vec<String>,
    /// Files the apply removed, written back.
    pub recreate: Vec<String>,
    /// Files changed since the apply.
    pub changed_since: Vec<String>,
}

fn undo_inputs(root: &Path) -> Result<(PathBuf, Intent), JournalError> {
    let undo = dir(root).join(UNDO);
    if !undo.join(INTENT).exists() {
        return Err(JournalError::NothingToUndo(root.display().to_string()));
    }
    let intent: Intent = read_intent(&undo.join(INTENT))?;
    Ok((undo, intent))
}

/// What [`undo`] would do.
pub fn undo_plan(root: &Path) -> Result<UndoPlan, JournalError> {
    let (_, intent) = undo_inputs(root)?;
    let mut p = UndoPlan::default();
    for e in &intent.entries {
        let now = read_regular(&root.join(&e.name));
        let expected = e.new_sha.as_ref();
        match (e.act, e.had_old) {
            (Act::Write, true) => p.restore.push(e.name.clone()),
            (Act::Write, false) => p.remove.push(e.name.clone()),
            (Act::Remove, _) => p.recreate.push(e.name.clone()),
        }
        let as_left = match (e.act, &now) {
            (Act::Write, Some(b)) => expected.is_some_and(|s| *s == sha(b)),
            (Act::Write, None) => false,
            (Act::Remove, _) => std::fs::symlink_metadata(root.join(&e.name)).is_err(),
        };
        if !as_left {
            p.changed_since.push(e.name.clone());
        }
    }
    Ok(p)
}

/// Restores the bytes the last apply replaced and removes what it created. Refuses (without
/// `force`) when a file changed since.
pub fn undo(
    root: &Path,
    force: bool,
    durability: Durability,
) -> Result<Result<Done, UndoPlan>, JournalError> {
    recover(root)?;
    let p = undo_plan(root)?;
    if !p.changed_since.is_empty() && !force {
        return Ok(Err(p));
    }
    let (dir_undo, intent) = undo_inputs(root)?;
    let mut olds: Vec<(String, Vec<u8>)> = Vec::new();
    let mut removes: Vec<&str> = Vec::new();
    for (i, e) in intent.entries.iter().enumerate() {
        if e.had_old {
            let path = dir_undo.join("old").join(i.to_string());
            let bytes = crate::io::read_bounded(&path, crate::io::Limit::ROOT_FILE).map_err(
                |e| match e {
                    crate::io::ReadError::Io { source, .. } => io(&path)(source),
                    too_large => JournalError::Corrupt {
                        path: path.clone(),
                        why: too_large.to_string(),
                    },
                },
            )?;
            olds.push((e.name.clone(), bytes));
        } else if e.act == Act::Write {
            removes.push(&e.name);
        }
    }
    let writes: Vec<(&str, &[u8])> = olds
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let before = State::load(root)?;
    transact(
        root,
        "undo",
        &writes,
        &removes,
        before,
        intent.state_before.clone(),
        durability,
    )?;
    Ok(Ok(Done {
        written: writes.iter().map(|(n, _)| n.to_string()).collect(),
        removed: removes.iter().map(|n| n.to_string()).collect(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
        std::fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() != DIR)
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect()
    }

    fn setup() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a"), b"old a").unwrap();
        std::fs::write(dir.path().join("gone"), b"old gone").unwrap();
        let before = files(dir.path());
        (dir, before)
    }

    const WRITES: &[(&str, &[u8])] = &[("a", b"new a"), ("b", b"new b"), ("c", b"new c")];

    fn after() -> BTreeMap<String, Vec<u8>> {
        WRITES
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect()
    }

    /// A folder where a file goes is refused before the commit point: nothing written, no
    /// journal left that no recovery could finish.
    #[test]
    fn a_folder_in_the_way_is_refused_before_the_commit() {
        let (dir, before) = setup();
        let r = dir.path();
        std::fs::create_dir(r.join("b")).unwrap();
        let e = transact(
            r,
            "apply",
            WRITES,
            &[],
            State::default(),
            State::default(),
            Durability::Rename,
        )
        .unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
        assert!(!pending(r));
        assert!(r.join("b").is_dir());
        assert_eq!(std::fs::read(r.join("a")).unwrap(), before["a"]);
        assert!(recover(r).unwrap().is_none());
    }

    #[test]
    fn journals_name_only_files_in_the_root() {
        assert!(plain_name("SEP0014F28DD38A.cnf.xml"));
        for bad in ["", "..", "../etc/passwd", "a/b", "a\\b", DIR] {
            assert!(!plain_name(bad), "{bad:?}");
        }
        let dir = tempfile::tempdir().unwrap();
        let d = super::dir(dir.path());
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join(STATE),
            br#"{"files":{"../outside":"00","ok.cnf":"11"}}"#,
        )
        .unwrap();
        let s = State::load(dir.path()).unwrap();
        assert_eq!(s.files.keys().collect::<Vec<_>>(), ["ok.cnf"]);
        std::fs::create_dir_all(d.join(UNDO)).unwrap();
        std::fs::write(
            d.join(UNDO).join(INTENT),
            br#"{"version":1,"what":"apply","entries":[{"name":"../x","act":"remove","had_old":false}],"state_before":{"files":{}},"state_after":{"files":{}}}"#,
        )
        .unwrap();
        assert!(matches!(
            undo(dir.path(), true, Durability::Rename),
            Err(JournalError::Corrupt { .. })
        ));
    }

    /// Stopped before the commit point: the next run drops it, the root is as before.
    #[test]
    fn staged_but_not_committed_rolls_back() {
        let (dir, before) = setup();
        let r = dir.path();
        stage(
            r,
            "apply",
            WRITES,
            &["gone"],
            State::default(),
            State::default(),
            Durability::Rename,
        )
        .unwrap();
        assert_eq!(files(r), before);
        assert!(pending(r));
        assert_eq!(recover(r).unwrap(), Some(("apply".into(), false)));
        assert_eq!(files(r), before);
        assert!(!pending(r));
    }

    /// Stopped after the commit point, half the renames done: the next run finishes it,
    /// and the undo journal is complete.
    #[test]
    fn committed_and_half_done_rolls_forward() {
        let (dir, before) = setup();
        let r = dir.path();
        let (tmp, intent) = stage(
            r,
            "apply",
            WRITES,
            &["gone"],
            State::default(),
            State::default(),
            Durability::Rename,
        )
        .unwrap();
        let txn = super::dir(r).join(TXN);
        std::fs::rename(&tmp, &txn).unwrap();
        // The first file renamed into place, then the process died.
        std::fs::rename(txn.join("new/0"), r.join(&intent.entries[0].name)).unwrap();
        assert_ne!(files(r), before);
        assert_eq!(recover(r).unwrap(), Some(("apply".into(), true)));
        assert_eq!(files(r), after());
        // Recovering again does nothing; the undo puts back the bytes replaced and removed.
        assert_eq!(recover(r).unwrap(), None);
        assert!(undo(r, false, Durability::Rename).unwrap().is_ok());
        assert_eq!(files(r), before);
    }
}
