//! Load manifests (`.loads`) and the files they name.
use super::*;

impl Doctor<'_> {
    pub(super) fn loads_files(&mut self) {
        let list: Vec<Entry> = self
            .folder
            .files()
            .filter(|e| e.name.to_ascii_lowercase().ends_with(".loads"))
            .cloned()
            .collect();
        for e in list {
            let file = e.name.clone();
            let bytes = match self.folder.read(&e, MAX_TEXT) {
                Ok(b) => b,
                Err(err) => {
                    self.push(
                        &check::LOADS_UNREADABLE,
                        "R25",
                        &file,
                        None,
                        format!("cannot read it: {err}"),
                        "Unpack the release zip into the TFTP root again.".into(),
                    );
                    continue;
                }
            };
            let lf = match loads::parse(&bytes) {
                Ok(lf) => lf,
                Err(err) => {
                    match file_list(&file, &bytes) {
                        Some(Ok(list)) => self.listed_files(&file, &list),
                        Some(Err(e)) => self.push(&check::LOADS_UNREADABLE, "R25", &file, None, format!("not a valid .loads manifest: {e}"), "Unpack the release zip (or the phone's COP/zip) into the TFTP root again; do not edit .loads files.".into()),
                        None if looks_xml(&bytes) => {}
                        None => self.push(&check::LOADS_UNREADABLE, "R25", &file, None, format!("not a valid .loads manifest: {err}"), "Unpack the release zip into the TFTP root again; do not edit .loads files.".into()),
                    }
                    continue;
                }
            };
            let items = [
                (lf.loader_name().to_string(), "loader"),
                (lf.application_name().to_string(), "application image"),
            ];
            for (name, what) in items {
                if self.folder.exact(&name).is_some() {
                    self.refer(&name);
                } else {
                    let detail = self.folder.missing_detail(&name);
                    self.push(
                        &check::LOADS_FILE_MISSING,
                        "R6",
                        &file,
                        None,
                        format!("{file} names the {what} {name:?}, which is not in the folder{detail}"),
                        format!("Unpack the whole release zip (all its files) into the TFTP root so that {name} is there."),
                    );
                }
            }
            let loader = lf.loader_name();
            if let Some(stem) = loader.strip_suffix(".sbn") {
                let bin = format!("{stem}.bin");
                if self.folder.exact(&bin).is_none() {
                    self.push(
                        &check::LOADS_BIN_MISSING,
                        "R6",
                        &file,
                        None,
                        format!("the unsigned loader {bin:?} is not beside {loader:?}"),
                        format!("Only phones below 5.x need it; copy {bin} from the release if you have such phones."),
                    );
                }
            }
        }
    }

    /// The files a newer phone's manifest lists: present, and of the size it gives.
    pub(super) fn listed_files(&mut self, file: &str, list: &loads::FileList) {
        let mut missing = Vec::new();
        let mut detail = String::new();
        for f in &list.files {
            if self.folder.exact(&f.name).is_some() {
                self.refer(&f.name);
            } else {
                if detail.is_empty() {
                    detail = self.folder.missing_detail(&f.name);
                }
                missing.push(f.name.clone());
            }
        }
        if missing.is_empty() {
            return;
        }
        let release = list
            .release
            .as_deref()
            .map(|r| format!(" (release {r})"))
            .unwrap_or_default();
        self.push(
            &check::LOADS_LIST_FILE_MISSING,
            "R29",
            file,
            None,
            format!(
                "{file}{release} lists {} file{} not in the folder: {}{detail}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                missing.join(", ")
            ),
            format!("If phones load {file}, unpack its whole release into the TFTP root; if none does, remove {file}."),
        );
    }

    /// Checks an `image_version` / `loadInformation` value; returns nothing.
    pub(super) fn named_load(
        &mut self,
        check_missing: &Check,
        file: &str,
        line: usize,
        value: &str,
        parsed: &LoadName,
        rule: &str,
    ) {
        self.named_stem(
            check_missing,
            file,
            line,
            &format!("{value:?}"),
            &parsed.stem,
            rule,
        );
    }

    /// A load named by its stem: one of its files must be in the folder (`what` names the
    /// value in the message).
    pub(super) fn named_stem(
        &mut self,
        check_missing: &Check,
        file: &str,
        line: usize,
        what: &str,
        stem: &str,
        rule: &str,
    ) {
        let stem = stem.to_string();
        let found: Vec<String> = self
            .folder
            .load_files(&stem)
            .iter()
            .map(|e| e.name.clone())
            .collect();
        if found.is_empty() {
            let detail = self.folder.load_missing_detail(&stem);
            self.push(
                check_missing,
                rule,
                file,
                Some(line),
                format!("{what} is named here but no {stem}.loads, .sbn, .bin, .sbin or .zup is in the folder{detail}"),
                format!("Unpack the release of {stem} into the TFTP root, or name a load that is there."),
            );
        }
        // The load must be complete: a newer phone's manifest names files of its own, and
        // the phone this line configures fetches every one (issue 19.4).
        let manifest = found
            .iter()
            .find(|f| f.to_ascii_lowercase().ends_with(".loads"))
            .and_then(|f| self.folder.exact(f).cloned());
        if let Some(e) = manifest
            && let Ok(bytes) = self.folder.read(&e, MAX_TEXT)
            && let Some(Ok(list)) = file_list(&e.name, &bytes)
        {
            let missing: Vec<&str> = list
                .files
                .iter()
                .filter(|f| self.folder.exact(&f.name).is_none())
                .map(|f| f.name.as_str())
                .collect();
            if !missing.is_empty() {
                self.push(
                    &check::LOADS_LIST_FILE_MISSING,
                    "R29",
                    file,
                    Some(line),
                    format!(
                        "{what} is named here, and its manifest {} lists {} file{} not in the folder: {}",
                        e.name,
                        missing.len(),
                        if missing.len() == 1 { "" } else { "s" },
                        missing.join(", ")
                    ),
                    format!("Unpack the whole release of {stem} into the TFTP root, or name a load that is complete."),
                );
            }
        }
        for f in found {
            self.refer(&f);
        }
    }
}
