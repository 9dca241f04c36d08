//! The folder walk: a bounded listing of a TFTP root (entries, sizes, modes, one level of
//! subfolders) and reads of its files.
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Dir,
    /// A symlink leading out of the folder: present by name, never read.
    Outside,
    Other,
}

#[derive(Debug, Clone)]
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) kind: Kind,
    pub(super) len: u64,
    pub(super) modified: Option<SystemTime>,
    /// Unix permission bits.
    pub(super) mode: Option<u32>,
}

impl Entry {
    pub(super) fn is_file(&self) -> bool {
        matches!(self.kind, Kind::File | Kind::Outside)
    }
}

pub(super) struct Folder {
    pub(super) root: PathBuf,
    pub(super) entries: Vec<Entry>,
    /// File names one level down, per subfolder.
    pub(super) sub: Vec<(String, Vec<String>)>,
    pub(super) max_file: u64,
}

#[cfg(unix)]
pub(super) fn mode_of(m: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(m.permissions().mode())
}
#[cfg(not(unix))]
pub(super) fn mode_of(_: &std::fs::Metadata) -> Option<u32> {
    None
}

impl Folder {
    pub(super) fn scan(
        root: &Path,
        opts: &DoctorOptions,
        skipped: &mut Vec<Finding>,
    ) -> Result<Folder, DoctorError> {
        let folder_err = |source| DoctorError::Folder {
            path: root.display().to_string(),
            source,
        };
        let canonical = root.canonicalize().map_err(folder_err)?;
        let mut entries = Vec::new();
        let mut seen = 0usize;
        let mut truncated = false;
        for item in std::fs::read_dir(&canonical).map_err(folder_err)? {
            seen += 1;
            if seen > opts.max_entries {
                truncated = true;
                break;
            }
            let Ok(item) = item else { continue };
            // A name the phone could not ask for is not worth a finding.
            let Ok(name) = item.file_name().into_string() else {
                continue;
            };
            let Ok(meta) = std::fs::symlink_metadata(item.path()) else {
                continue;
            };
            let (kind, meta) = classify(&item.path(), meta, &canonical);
            entries.push(Entry {
                name,
                kind,
                len: meta.len(),
                modified: meta.modified().ok(),
                mode: mode_of(&meta),
            });
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        if truncated {
            skipped.push(finding(
                &check::ENTRY_SKIPPED,
                "R4",
                ".",
                None,
                format!(
                    "the folder has more than {} entries; only the first {} were looked at",
                    opts.max_entries, opts.max_entries
                ),
                "Check a folder with fewer entries, or split the TFTP root.".into(),
            ));
        }
        let sub = list_subfolders(&canonical, &entries, opts.max_entries);
        for e in &entries {
            if e.kind == Kind::Outside {
                skipped.push(finding(
                    &check::ENTRY_SKIPPED,
                    "R4",
                    &e.name,
                    None,
                    "a symlink leading out of the folder: doctor does not follow it, so its content is not checked".into(),
                    "Nothing to fix if the target is right; check the target yourself.".into(),
                ));
            } else if e.kind == Kind::File && e.len > opts.max_file {
                skipped.push(finding(
                    &check::ENTRY_SKIPPED,
                    "R4",
                    &e.name,
                    None,
                    format!(
                        "{} bytes, over the {}-byte limit: not read",
                        e.len, opts.max_file
                    ),
                    "No phone file is this large; remove it if it does not belong here.".into(),
                ));
            }
        }
        Ok(Folder {
            root: canonical,
            entries,
            sub,
            max_file: opts.max_file,
        })
    }

    pub(super) fn exact(&self, name: &str) -> Option<&Entry> {
        self.entries
            .binary_search_by(|e| e.name.as_str().cmp(name))
            .ok()
            .and_then(|i| self.entries.get(i))
            .filter(|e| e.is_file())
    }

    /// A file whose name differs from `name` only in case.
    pub(super) fn other_case(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.is_file() && e.name != name && e.name.eq_ignore_ascii_case(name))
    }

    /// The exact file, else one in another case.
    pub(super) fn any_case(&self, name: &str) -> Option<&Entry> {
        self.exact(name).or_else(|| self.other_case(name))
    }

    pub(super) fn files(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.is_file())
    }

    /// Reads a file of the folder, bounded.
    pub(super) fn read(&self, e: &Entry, limit: u64) -> Result<Vec<u8>, String> {
        match e.kind {
            Kind::File => {}
            Kind::Outside => return Err("a symlink out of the folder (not followed)".into()),
            Kind::Dir | Kind::Other => return Err("not a regular file".into()),
        }
        let limit = crate::io::Limit::new(limit.min(self.max_file), "too large to check");
        crate::text::read_bounded(&self.root.join(&e.name), limit).map_err(|err| err.to_string())
    }

    /// Why a file is missing, when we can tell: another case, or a subfolder.
    pub(super) fn missing_detail(&self, name: &str) -> String {
        if let Some(e) = self.other_case(name) {
            return format!("; \"{}\" exists, but TFTP names are case-sensitive", e.name);
        }
        for (dir, files) in &self.sub {
            if files.iter().any(|f| f == name) {
                return format!(
                    "; it is in the subfolder \"{dir}/\": files must be in the TFTP root itself (unpack the release zip into the root)"
                );
            }
        }
        String::new()
    }

    /// The file of a load: `<stem>.loads`, `.sbn`, `.bin`, `.sbin` or `.zup`, the stem in
    /// exact case, the extension in either (Cisco's 7921G/7925G trees ship `.LOADS`).
    pub(super) fn load_files(&self, stem: &str) -> Vec<&Entry> {
        LOAD_EXTENSIONS
            .iter()
            .filter_map(|ext| {
                self.exact(&format!("{stem}.{ext}"))
                    .or_else(|| self.exact(&format!("{stem}.{}", ext.to_ascii_uppercase())))
            })
            .collect()
    }

    pub(super) fn load_missing_detail(&self, stem: &str) -> String {
        for ext in LOAD_EXTENSIONS {
            let d = self.missing_detail(&format!("{stem}.{ext}"));
            if !d.is_empty() {
                return d;
            }
        }
        String::new()
    }
}

/// What an entry is: a symlink counts as its target while that stays inside `canonical`.
fn classify(path: &Path, meta: std::fs::Metadata, canonical: &Path) -> (Kind, std::fs::Metadata) {
    if meta.file_type().is_symlink() {
        match path.canonicalize() {
            Ok(target) if target.starts_with(canonical) => match std::fs::metadata(&target) {
                Ok(m) if m.is_file() => (Kind::File, m),
                Ok(m) if m.is_dir() => (Kind::Dir, m),
                Ok(m) => (Kind::Other, m),
                Err(_) => (Kind::Other, meta),
            },
            _ => (Kind::Outside, meta),
        }
    } else if meta.is_file() {
        (Kind::File, meta)
    } else if meta.is_dir() {
        (Kind::Dir, meta)
    } else {
        (Kind::Other, meta)
    }
}

/// The names inside each subfolder, one level deep, within what is left of the entry budget.
fn list_subfolders(
    canonical: &Path,
    entries: &[Entry],
    max_entries: usize,
) -> Vec<(String, Vec<String>)> {
    let mut budget = max_entries.saturating_sub(entries.len());
    let mut sub = Vec::new();
    for e in entries.iter().filter(|e| e.kind == Kind::Dir) {
        let mut names = Vec::new();
        if let Ok(rd) = std::fs::read_dir(canonical.join(&e.name)) {
            for item in rd.flatten() {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if let Ok(n) = item.file_name().into_string() {
                    names.push(n);
                }
            }
        }
        names.sort();
        sub.push((e.name.clone(), names));
    }
    sub
}
