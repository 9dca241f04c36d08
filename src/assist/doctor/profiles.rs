//! 7905G/7912G/ATA profiles: damaged, stale against their text, upgradecode lines.
use super::*;

impl Doctor<'_> {
    pub(super) fn profiles(&mut self) {
        let mut list: Vec<(String, &'static str)> = Vec::new();
        for (name, prefix) in [("gkdefault.cfg", "gk"), ("lddefault.cfg", "ld")] {
            if let Some(e) = self.folder.any_case(name) {
                list.push((e.name.clone(), prefix));
            }
        }
        let macs: Vec<(String, &'static str)> = self
            .folder
            .files()
            .filter_map(|e| gk_mac(&e.name).map(|p| (e.name.clone(), p)))
            .collect();
        for (name, prefix) in macs {
            let canonical = name.to_ascii_lowercase();
            if name != canonical {
                self.push(
                    &check::GK_MAC_CASE,
                    "R31",
                    &name,
                    None,
                    format!(
                        "the phone asks for \"{canonical}\" ({prefix} and the MAC in lower case)"
                    ),
                    format!("Rename \"{name}\" to \"{canonical}\"."),
                );
            }
            list.push((name, prefix));
        }
        for (name, prefix) in list {
            self.refer(&name);
            self.profile(&name, prefix);
        }
        self.profile_sources();
    }

    pub(super) fn profile(&mut self, name: &str, prefix: &str) {
        let Some(e) = self.folder.exact(name).cloned() else {
            return;
        };
        let Ok(bytes) = self
            .folder
            .read(&e, profile::decode::MAX_BINARY_BYTES as u64)
        else {
            return;
        };
        let (txt, cfg) = self.profile_source(name, prefix);
        let t = self.table_arg.clone();
        if !profile::inspect::looks_like_profile(&bytes) {
            self.bad_profiles.insert(name.to_string());
            let text = !bytes.is_empty()
                && bytes
                    .iter()
                    .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
            if text {
                let what = if bytes.starts_with(b"#txt") {
                    "a text profile (#txt), not compiled"
                } else {
                    "plain text (no #ata, no #txt)"
                };
                self.push(
                    &check::GK_PROFILE_TEXT,
                    "R31",
                    name,
                    None,
                    format!("{name} is {what}: the phone reads only compiled profiles"),
                    format!("Save the settings as {txt} with #txt as its first line and compile it: cfgfmt-rs {t} {txt} {cfg}"),
                );
                return;
            }
            self.push(
                &check::GK_PROFILE_ENCRYPTED,
                "R31",
                name,
                None,
                "no #ata magic: the profile is encrypted (EncryptKey), or it is not a compiled profile".into(),
                format!("If it is encrypted on purpose, check it with `cfgfmt-rs inspect --key-file`; otherwise compile it again: cfgfmt-rs {t} {txt} {cfg}"),
            );
            return;
        }
        let ins = profile::inspect::inspect(&bytes, &self.table, "", &Default::default());
        if let Some(f) = ins.findings.iter().find(|f| f.severity == Severity::Error) {
            self.bad_profiles.insert(name.to_string());
            self.push(
                &check::GK_PROFILE_UNDECODABLE,
                "R31",
                name,
                None,
                format!(
                    "the profile is damaged at offset {:#x}: {}",
                    f.offset().unwrap_or(0),
                    f.message
                ),
                format!("Compile it again from its text: cfgfmt-rs {t} {txt} {cfg}"),
            );
            return;
        }
        let (records, _) = layout::walk(&ins.plain, ins.records_start.min(ins.plain.len()));
        let codes: Vec<Option<UpgradeCode>> = records
            .iter()
            .filter(|r| r.tag == layout::TAG_UPGRADECODE)
            .map(|r| UpgradeCode::from_record(r.value))
            .collect();
        for code in codes {
            match code {
                Some(code) => self.upgradecode(name, prefix, &code),
                None => self.push(
                    &check::UPGRADECODE_FIELDS,
                    "R32",
                    name,
                    None,
                    "the upgradecode record is shorter than its eight fields".into(),
                    "Write the line with all eight fields and compile again (cfgfmt-rs upgradecode IMAGE prints it).".into(),
                ),
            }
        }
    }

    /// The text a profile is compiled from, and the profile: `gkdefault.txt` → `gkdefault.cfg`;
    /// a per-phone `gk<mac>` from `gk<mac>.txt`.
    pub(super) fn profile_source(&self, name: &str, prefix: &str) -> (String, String) {
        let lower = name.to_ascii_lowercase();
        if lower == "gkdefault.cfg" || lower == "lddefault.cfg" {
            return (format!("{prefix}default.txt"), name.to_string());
        }
        (format!("{name}.txt"), name.to_string())
    }

    pub(super) fn upgradecode(&mut self, profile: &str, prefix: &str, code: &UpgradeCode) {
        let problems = code.field_problems();
        if !problems.is_empty() {
            self.push(
                &check::UPGRADECODE_FIELDS,
                "R32",
                profile,
                None,
                format!("upgradecode {}: {}", code.line(), problems.join("; ")),
                format!("Use the guide's fields; `cfgfmt-rs upgradecode {}` prints the line for the image.", code.file),
            );
        }
        if code.file.is_empty() {
            return;
        }
        let Some(image) = self.folder.exact(&code.file).cloned() else {
            let detail = self.folder.missing_detail(&code.file);
            self.push(
                &check::UPGRADECODE_IMAGE_MISSING,
                "R32",
                profile,
                None,
                format!(
                    "upgradecode names {:?}, which is not in the folder{detail}",
                    code.file
                ),
                format!(
                    "Copy {} into the TFTP root, or name the image that is there.",
                    code.file
                ),
            );
            return;
        };
        self.refer(&image.name);
        if let Some(want) = upgradecode::date_code_of(&code.file)
            && want != code.date
        {
            self.push(
                &check::UPGRADECODE_DATE_MISMATCH,
                "R32",
                profile,
                None,
                format!("upgradecode's date code is {:#09x}; the image {:?} says {want:#09x}", code.date, code.file),
                format!("Write the date code {want:#09x} (yymmdd and build letter of the name) and compile again."),
            );
        }
        let parsed = names::parse(&code.file);
        let header = self
            .folder
            .read(&image, self.folder.max_file)
            .ok()
            .and_then(|bytes| kup_platform(&image.name, &bytes));
        let (expected, source) = match (
            header,
            parsed.as_ref().and_then(upgradecode::platform_of_name),
        ) {
            (Some(p), _) => (Some(p), "its kup1 header"),
            (None, Some(p)) => (Some(p), "its name"),
            (None, None) => (None, ""),
        };
        let model_clash = match (prefix, parsed.as_ref().map(|p| &p.family)) {
            ("gk", Some(Family::Cp(7905))) => {
                Some("gk profiles are read by 7912G phones; this is a 7905G image")
            }
            ("ld", Some(Family::Cp(7912))) => {
                Some("ld profiles are read by 7905G phones; this is a 7912G image")
            }
            _ => None,
        };
        if let Some(want) = expected
            && want != code.platform
        {
            self.push(
                &check::UPGRADECODE_PLATFORM_MISMATCH,
                "R32",
                profile,
                None,
                format!("upgradecode says platform {:#x}; the image {:?} is for {want:#x} ({}), by {source}", code.platform, code.file, kup::platform_name(want)),
                format!("Write platform {want:#x} (or name the image for this platform) and compile again."),
            );
        } else if let Some(why) = model_clash {
            self.push(
                &check::UPGRADECODE_PLATFORM_MISMATCH,
                "R32",
                profile,
                None,
                format!("upgradecode in {profile} names {:?}: {why}", code.file),
                "Name the image of the phone model that reads this profile.".into(),
            );
        }
    }

    /// gkdefault.txt / lddefault.txt against their compiled profiles, and SIP images with no
    /// profile at all.
    pub(super) fn profile_sources(&mut self) {
        for (txt, cfg, prefix, model) in [
            ("gkdefault.txt", "gkdefault.cfg", "gk", 7912u16),
            ("lddefault.txt", "lddefault.cfg", "ld", 7905u16),
        ] {
            let has_cfg = self.folder.any_case(cfg).is_some();
            if let Some(t) = self.folder.exact(txt).cloned() {
                match self.folder.exact(cfg).cloned() {
                    Some(c) => self.stale(&t, &c),
                    None if !has_cfg => self.push(
                        &check::GKDEFAULT_MISSING,
                        "R31",
                        txt,
                        None,
                        format!("{txt} is here but {cfg} is not: the phones download the compiled {cfg}, not the text"),
                        format!("Compile it: cfgfmt-rs {} {txt} {cfg}", self.table_arg),
                    ),
                    None => {}
                }
                continue;
            }
            let has_mac = self.folder.files().any(|e| gk_mac(&e.name) == Some(prefix));
            if has_cfg || has_mac {
                continue;
            }
            let image = self
                .folder
                .files()
                .find(|e| {
                    names::parse(&e.name).is_some_and(|n| {
                        n.family == Family::Cp(model) && n.protocol == Protocol::Sip
                    })
                })
                .map(|e| e.name.clone());
            if let Some(image) = image {
                self.push(
                    &check::GKDEFAULT_MISSING,
                    "R31",
                    &image,
                    None,
                    format!("the {model}G SIP image {image:?} is here but no {cfg} or {prefix}<mac> profile is"),
                    format!("Write {txt} (with its upgradecode line naming {image}) and compile it: cfgfmt-rs {} {txt} {cfg}", self.table_arg),
                );
            }
        }
    }

    pub(super) fn stale(&mut self, txt: &Entry, cfg: &Entry) {
        if self.bad_profiles.contains(&cfg.name) {
            return;
        }
        let Ok(text) = self.folder.read(txt, crate::text::MAX_PROFILE_BYTES as u64) else {
            return;
        };
        let Ok(compiled) = self
            .folder
            .read(cfg, profile::decode::MAX_BINARY_BYTES as u64)
        else {
            return;
        };
        let opts = profile::CompileOptions {
            output_name: cfg.name.clone(),
            ..Default::default()
        };
        // A second of slack: files written one after the other are not "older".
        let older = match (txt.modified, cfg.modified) {
            (Some(t), Some(c)) => t
                .duration_since(c)
                .is_ok_and(|d| d >= std::time::Duration::from_secs(1)),
            _ => false,
        };
        // Includes are not followed (they could name any file); a profile with includes is
        // judged by modification times alone.
        let result = profile::compile(
            &text,
            Path::new(&txt.name),
            &mut crate::text::NoIncludes,
            &self.table,
            &opts,
        );
        let fix = format!(
            "Compile it again: cfgfmt-rs {} {} {}",
            self.table_arg, txt.name, cfg.name
        );
        match result {
            Err(crate::diag::Error::IncludeMissing { .. }) => {
                if older {
                    self.push(
                        &check::GKDEFAULT_STALE,
                        "R31",
                        &cfg.name,
                        None,
                        format!("{} is older than {} (which uses includes, so it was not compiled here to compare)", cfg.name, txt.name),
                        fix,
                    );
                }
            }
            Err(e) => self.push(
                &check::GKDEFAULT_TXT_INVALID,
                "R31",
                &txt.name,
                None,
                format!("{} does not compile: {e}", txt.name),
                format!("Fix {} and compile it again.", txt.name),
            ),
            Ok(out) => {
                if let Some(d) = out
                    .diagnostics
                    .iter()
                    .find(|d| d.severity() == crate::diag::Severity::Error)
                {
                    let line = d.location.as_ref().map(|l| l.line);
                    self.push(
                        &check::GKDEFAULT_TXT_INVALID,
                        "R32",
                        &txt.name,
                        line,
                        format!("compiling {} reports \"{d}\": that line is left out of {}", txt.name, cfg.name),
                        format!("Correct the line (for upgradecode: `cfgfmt-rs upgradecode IMAGE --write {}`) and compile again.", txt.name),
                    );
                    return;
                }
                let main = out.files.iter().find(|f| f.suffix.is_empty());
                if main.is_some_and(|m| m.bytes != compiled) {
                    let when = if older { ", and it is older" } else { "" };
                    self.push(
                        &check::GKDEFAULT_STALE,
                        "R31",
                        &cfg.name,
                        None,
                        format!("{} is not what {} compiles to{when}: it was not compiled again after the last change", cfg.name, txt.name),
                        fix,
                    );
                }
            }
        }
    }
}
