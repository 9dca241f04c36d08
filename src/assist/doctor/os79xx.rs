//! Fixed names and OS79XX.TXT: the file a 7940/7960 reads first.
use super::*;

impl Doctor<'_> {
    pub(super) fn fixed_name_case(&mut self) {
        for (name, rule) in fixed_names() {
            if self.folder.exact(&name).is_none()
                && let Some(e) = self.folder.other_case(&name)
            {
                let other = e.name.clone();
                self.push(
                    &check::FILE_NAME_CASE,
                    rule,
                    &other,
                    None,
                    format!("the phone asks for \"{name}\"; this folder has \"{other}\""),
                    format!("Rename \"{other}\" to \"{name}\"."),
                );
            }
        }
    }

    pub(super) fn os79xx(&mut self) {
        let Some(entry) = self.folder.any_case("OS79XX.TXT") else {
            return;
        };
        let file = entry.name.clone();
        self.refer(&file);
        let bytes = match self.folder.read(entry, MAX_TEXT) {
            Ok(b) => b,
            Err(e) => {
                self.push(
                    &check::OS79XX_UNREADABLE,
                    "R28",
                    &file,
                    None,
                    format!("cannot read it: {e}"),
                    "Write the bare image name into OS79XX.TXT.".into(),
                );
                return;
            }
        };
        if let Err(e) = textfiles::parse_os79xx(&bytes) {
            self.push(
                &check::OS79XX_UNREADABLE,
                "R28",
                &file,
                None,
                format!("no image name can be read from it: {e}"),
                "Write the bare image name, one line, e.g. P0S3-8-12-00 or P00308010200.".into(),
            );
            return;
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let Some(name) = self.os79xx_layout(&file, &text) else {
            return;
        };
        let stem = self.os79xx_suffix(&file, &name);
        let Some(parsed) = self.os79xx_load_name(&file, &stem) else {
            return;
        };
        self.os79xx_image(&file, &stem, parsed);
    }

    /// The name on the first line; anything else in the file reported. `None` when the
    /// content cannot be a name at all (whitespace inside it).
    fn os79xx_layout(&mut self, file: &str, text: &str) -> Option<String> {
        let file = file.to_string();
        let mut lines = text.split('\n');
        let first = lines.next().unwrap_or_default();
        let first = first.strip_suffix('\r').unwrap_or(first);
        let name = first.trim();
        let mut extra = Vec::new();
        if first.len() != first.trim_start().len() {
            extra.push("whitespace before the name".to_string());
        }
        if name.contains(char::is_whitespace) {
            extra.push(format!("whitespace inside {name:?}"));
        }
        let mut extra_line = None;
        for (i, l) in lines.enumerate() {
            if !l.trim().is_empty() {
                extra_line.get_or_insert(i + 2);
                extra.push(format!(
                    "line {} holds {:?}",
                    i + 2,
                    l.trim_end_matches('\r')
                ));
            }
        }
        let bare = name.split_whitespace().next().unwrap_or_default();
        if !extra.is_empty() {
            self.push(
                &check::OS79XX_EXTRA_CONTENT,
                "R28",
                &file,
                extra_line.or(Some(1)),
                format!(
                    "OS79XX.TXT must hold only the image name: {}",
                    extra.join("; ")
                ),
                format!("Make the file one line holding only the name: {bare}"),
            );
            if name.contains(char::is_whitespace) {
                return None;
            }
        }
        if first.len() != first.trim_end().len() {
            self.push(
                &check::OS79XX_TRAILING_SPACE,
                "R28",
                &file,
                Some(1),
                format!("whitespace after {name:?}"),
                format!("Optional: remove it, leaving just {name}."),
            );
        }
        Some(name.to_string())
    }

    /// The name without an extension it should not have (reported).
    fn os79xx_suffix(&mut self, file: &str, name: &str) -> String {
        let lower = name.to_ascii_lowercase();
        let mut stem = name;
        for ext in [".bin", ".sbn", ".loads", ".sb2"] {
            if lower.ends_with(ext) {
                stem = name.get(..name.len() - ext.len()).unwrap_or(name);
                self.push(
                    &check::OS79XX_HAS_BIN_SUFFIX,
                    "R4",
                    file,
                    Some(1),
                    format!("OS79XX.TXT names {name:?} with its extension {ext}"),
                    format!("Write the name without the extension: {stem}"),
                );
                break;
            }
        }
        stem.to_string()
    }

    /// The name as a 7940/7960 load of the right form, or the reason it is not (reported).
    fn os79xx_load_name(&mut self, file: &str, stem: &str) -> Option<LoadName> {
        let Some(parsed) = names::parse(stem).filter(|p| p.extension.is_none()) else {
            let upper = names::parse(&stem.to_ascii_uppercase());
            let (message, fix) = match upper {
                Some(u) if u.stem != stem => (
                    format!("{stem:?} is a load name in the wrong case (names are case-sensitive)"),
                    format!("Write it as {}", u.stem),
                ),
                _ => (
                    format!(
                        "{stem:?} is not a load name (SIP ≤ 2.3: P0S3xxyy, SIP ≥ 3.0: P0S3-xx-y-zz, SCCP: P003aabbccdd)"
                    ),
                    "Write the name of the image to load, as the release names it.".into(),
                ),
            };
            self.push(
                &check::OS79XX_UNKNOWN_NAME,
                "R5",
                file,
                Some(1),
                message,
                fix,
            );
            return None;
        };
        if parsed.family != Family::Phone7940_7960 {
            self.push(
                &check::OS79XX_NOT_7940,
                "R5",
                file,
                Some(1),
                format!("{stem:?} is not a 7940/7960 load (7940/7960 names start P0S3, P003 or P0M3)"),
                "Name a 7940/7960 load; other models are configured elsewhere (7905G/7912G: upgradecode in gkdefault.cfg/lddefault.cfg).".into(),
            );
            return None;
        }
        if let Some(why) = expected_form(&parsed) {
            self.push(
                &check::OS79XX_WRONG_FORM,
                "R5",
                file,
                Some(1),
                format!("{stem:?}: {why}"),
                "Write the name in the form its version uses (see the release's file names)."
                    .into(),
            );
            return None;
        }
        Some(parsed)
    }

    /// The image the name names: present, and the loader when the release is a UAL one (R6).
    fn os79xx_image(&mut self, file: &str, stem: &str, parsed: LoadName) {
        self.os79xx = Some(parsed.clone());
        self.named.push(parsed);
        let found: Vec<String> = self
            .folder
            .load_files(stem)
            .iter()
            .map(|e| e.name.clone())
            .collect();
        if found.is_empty() {
            let detail = self.folder.load_missing_detail(stem);
            self.push(
                &check::OS79XX_IMAGE_MISSING,
                "R4",
                file,
                Some(1),
                format!("OS79XX.TXT names {stem:?} but none of {stem}.bin, {stem}.sbn, {stem}.loads is in the folder{detail}"),
                format!("Put the image ({stem}.bin/.sbn, or the release's files) into the TFTP root, or name an image that is there."),
            );
            return;
        }
        for f in &found {
            self.refer(f);
        }
        // R6: a UAL release names the loader in OS79XX.TXT, not the load.
        let loads_name = format!("{stem}.loads");
        if let Some(e) = self.folder.exact(&loads_name)
            && let Ok(bytes) = self.folder.read(e, MAX_TEXT)
            && let Ok(lf) = loads::parse(&bytes)
        {
            let loader = lf.loader_name();
            let loader_stem = loader.strip_suffix(".sbn").unwrap_or(loader);
            if !loader_stem.is_empty() && loader_stem != stem {
                self.push(
                    &check::OS79XX_NAMES_LOAD_NOT_LOADER,
                    "R6",
                    file,
                    Some(1),
                    format!("OS79XX.TXT names the load {stem:?}; its {loads_name} lists the loader {loader:?}"),
                    format!("Write the loader's name, as the release's own OS79XX.TXT does: {loader_stem}"),
                );
            }
        }
    }
}
