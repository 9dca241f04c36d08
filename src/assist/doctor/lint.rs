//! The configuration files of the root, checked against the parameter catalogue
//! (`crate::lint`); the doctor's own checks already cover their names and loads.
use super::*;

impl Doctor<'_> {
    pub(super) fn lint_configs(&mut self) {
        let entries: Vec<Entry> = self
            .folder
            .files()
            .filter(|e| !e.name.contains('/') && crate::lint::FileRole::of(&e.name, b"").is_some())
            .cloned()
            .collect();
        for e in entries {
            let Ok(bytes) = self.folder.read(&e, MAX_TEXT) else {
                continue;
            };
            // A line the doctor already reported (image_version syntax …) is not reported
            // twice.
            let seen: BTreeSet<usize> = self
                .findings
                .iter()
                .filter(|f| f.file == e.name)
                .filter_map(Finding::line)
                .collect();
            let found = crate::lint::lint_root_files([(e.name.as_str(), bytes.as_slice())]);
            self.findings.extend(
                found
                    .into_iter()
                    .filter(|f| f.line().is_none_or(|l| !seen.contains(&l))),
            );
        }
    }
}
