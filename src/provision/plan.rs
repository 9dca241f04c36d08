//! The plan: what writing the rendered files into a root would change, file by file and
//! parameter by parameter; which existing files provision did not write (refused without
//! `--force`); which shared files `--only` holds back (without `--global`).

use std::collections::BTreeSet;
use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;

use super::diff::{self, Change};
use super::journal::{self, State};
use super::{Inventory, Rendered};
use crate::device::{BootFileKind, Mac, classify_boot_file};
use crate::finding::{Finding, Severity};

/// What the caller asked for.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// `--only`: change only these devices' files.
    pub only: Option<BTreeSet<Mac>>,
    /// `--global`: with `--only`, the shared files too.
    pub global: bool,
    /// `--force`: replace files provision did not write.
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Create,
    Replace,
    /// A file provision wrote that no device of the inventory reads any more.
    Remove,
}

/// One file that would change.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct FileChange {
    pub name: String,
    pub action: Action,
    pub kind: BootFileKind,
    pub shared: bool,
    /// Devices of the inventory that read it.
    pub devices: usize,
    /// Of those, the ones outside `--only` (a shared file's reach beyond the selection).
    pub others: usize,
    /// The file on disk was not written by provision (or was edited since).
    pub foreign: bool,
    /// Per parameter (for a replaced file that both sides can be read as).
    pub changes: Vec<Change>,
    /// Parameters in the new file (for a created one).
    pub parameters: usize,
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// What an apply would do.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Plan {
    pub root: String,
    pub inventory: String,
    pub devices: usize,
    /// Files that would be created, replaced or removed.
    pub changes: Vec<FileChange>,
    /// Files already as rendered: counted, not listed.
    pub unchanged: usize,
    /// Shared files that would change but `--only` without `--global` leaves alone.
    pub held_back: Vec<FileChange>,
    /// Files provision did not write that the plan would replace: the apply is refused
    /// unless `--force`.
    pub refused: Vec<String>,
    /// Inventory notes, load errors, render notes.
    pub findings: Vec<Finding>,
    #[serde(skip)]
    pub(super) state_after: State,
}

impl Plan {
    /// True when the apply must not run: a load error, or a foreign file without `--force`.
    pub fn blocked(&self) -> bool {
        !self.refused.is_empty() || self.findings.iter().any(|f| f.severity == Severity::Error)
    }

    /// Nothing would change.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// The plan failed before comparing anything.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Journal(#[from] journal::JournalError),
    #[error("{}: not a folder", .0)]
    NotAFolder(String),
}

fn selected(only: &Option<BTreeSet<Mac>>, devices: &[Mac]) -> bool {
    match only {
        None => true,
        Some(set) => devices.iter().any(|m| set.contains(m)),
    }
}

/// Compares the rendered files with `root`. Reads the root; writes nothing.
pub fn plan(
    inv: &Inventory,
    rendered: &Rendered,
    root: &Path,
    opts: &PlanOptions,
) -> Result<Plan, PlanError> {
    if !root.is_dir() {
        return Err(PlanError::NotAFolder(root.display().to_string()));
    }
    let state = State::load(root)?;
    let mut findings: Vec<Finding> = inv.notes.clone();
    findings.extend(rendered.notes.iter().cloned());
    findings.extend(super::loads::check(inv, root));
    if let Some(only) = &opts.only {
        for m in only {
            if inv.device(m).is_none() {
                findings.push(Finding::error(
                    "provision-only-unknown",
                    format!("--only {m}: no device of {} has this MAC", inv.path),
                ));
            }
        }
    }
    struct Seen {
        change: Option<FileChange>,
        sha: Option<String>,
        /// Something other than a regular file is at the name (a folder, a link, a FIFO):
        /// a rename cannot replace a folder, and the journal keeps only files' bytes.
        not_a_file: bool,
    }
    let results: Vec<Seen> = rendered
        .files()
        .par_iter()
        .map(|f| {
            let path = root.join(&f.name);
            let meta = std::fs::symlink_metadata(&path);
            let not_a_file = meta.as_ref().is_ok_and(|m| !m.is_file());
            let old = match meta {
                // Unreadable or too large: some file is there all the same, and one that
                // matches nothing provision wrote is never replaced without --force.
                Ok(m) if m.is_file() => Some(
                    crate::io::read_bounded(&path, crate::io::Limit::ROOT_FILE).unwrap_or_default(),
                ),
                Ok(_) => Some(Vec::new()),
                Err(_) => None,
            };
            let others = match &opts.only {
                None => 0,
                Some(set) => f.devices.iter().filter(|m| !set.contains(m)).count(),
            };
            let base = |action, foreign| FileChange {
                name: f.name.clone(),
                action,
                kind: f.kind,
                shared: f.shared,
                devices: f.devices.len(),
                others,
                foreign,
                changes: Vec::new(),
                parameters: 0,
                bytes: f.bytes.clone(),
            };
            match old {
                Some(old) if old == f.bytes => {
                    let sha = (!state.files.contains_key(&f.name)).then(|| journal::sha(&f.bytes));
                    Seen {
                        change: None,
                        sha,
                        not_a_file,
                    }
                }
                Some(old) => {
                    let owned = state
                        .files
                        .get(&f.name)
                        .is_some_and(|s| *s == journal::sha(&old));
                    let mut c = base(Action::Replace, !owned);
                    c.changes = diff::diff(f.kind, &old, &f.bytes).unwrap_or_default();
                    Seen {
                        change: Some(c),
                        sha: None,
                        not_a_file,
                    }
                }
                None => {
                    let mut c = base(Action::Create, false);
                    c.parameters = diff::file_params(f.kind, &f.bytes).map_or(0, |p| p.len());
                    Seen {
                        change: Some(c),
                        sha: None,
                        not_a_file,
                    }
                }
            }
        })
        .collect();
    let mut state_after = state.clone();
    let mut changes = Vec::new();
    let mut held_back = Vec::new();
    let mut unchanged = 0;
    for (seen, f) in results.into_iter().zip(rendered.files()) {
        match seen.change {
            None => {
                unchanged += 1;
                if let Some(sha) = seen.sha {
                    state_after.files.insert(f.name.clone(), sha);
                }
            }
            Some(c) if f.shared && opts.only.is_some() && !opts.global => held_back.push(c),
            Some(_) if !selected(&opts.only, &f.devices) => {}
            Some(c) => {
                if seen.not_a_file {
                    findings.push(
                        Finding::error(
                            "provision-not-a-file",
                            "not a regular file (a folder, a link or a device): provision replaces only files, even with --force; move it away",
                        )
                        .in_file(root.join(&f.name).display().to_string()),
                    );
                }
                changes.push(c)
            }
        }
    }
    // Files provision wrote that nothing renders any more: removed if still as written.
    for (name, sha) in &state.files {
        if rendered.get(name).is_some() {
            continue;
        }
        let path = root.join(name);
        let Some(old) = journal::read_regular(&path) else {
            state_after.files.remove(name);
            continue;
        };
        if journal::sha(&old) != *sha {
            state_after.files.remove(name);
            findings.push(Finding::info("provision-left-alone", format!("{name}: written by provision, edited since, no longer in the inventory: left alone")));
            continue;
        }
        let mac = classify_boot_file(name).and_then(|(_, m)| m);
        let shared = mac.is_none();
        let in_scope = match (&opts.only, mac) {
            (None, _) => true,
            (Some(set), Some(m)) => set.contains(&m),
            (Some(_), None) => opts.global,
        };
        if !in_scope {
            continue;
        }
        let kind = classify_boot_file(name).map_or(BootFileKind::SipMac, |(k, _)| k);
        changes.push(FileChange {
            name: name.clone(),
            action: Action::Remove,
            kind,
            shared,
            devices: 0,
            others: 0,
            foreign: false,
            changes: Vec::new(),
            parameters: 0,
            bytes: Vec::new(),
        });
    }
    changes.sort_by(|a, b| a.name.cmp(&b.name));
    let refused: Vec<String> = if opts.force {
        Vec::new()
    } else {
        changes
            .iter()
            .filter(|c| c.foreign)
            .map(|c| c.name.clone())
            .collect()
    };
    for c in &changes {
        match c.action {
            Action::Remove => {
                state_after.files.remove(&c.name);
            }
            _ => {
                state_after
                    .files
                    .insert(c.name.clone(), journal::sha(&c.bytes));
            }
        }
    }
    Ok(Plan {
        root: root.display().to_string(),
        inventory: inv.path.clone(),
        devices: inv.devices.len(),
        changes,
        unchanged,
        held_back,
        refused,
        findings,
        state_after,
    })
}
