//! Firmware images the configurations name, and whether the TFTP server can read them.
use super::*;

impl Doctor<'_> {
    /// Referenced images: signed headers parse, kup1 packages are intact, embedded names match.
    pub(super) fn images(&mut self) {
        let names: Vec<String> = self.referenced.iter().cloned().collect();
        for name in names {
            let lower = name.to_ascii_lowercase();
            let signed = [".sbn", ".sb2", ".sbin", ".loads"]
                .iter()
                .any(|x| lower.ends_with(x));
            // kup1 is known for 7902/7905/7912 and ATA images only; the CP7940 .sbin of R18's
            // example is of unknown layout, so only its signed header is checked.
            let kup_family = names::parse(&name)
                .is_none_or(|n| matches!(n.family, Family::Cp(7902 | 7905 | 7912) | Family::Ata));
            let kup_ext = (lower.ends_with(".zup") || lower.ends_with(".sbin")) && kup_family;
            if !signed && !kup_ext {
                continue;
            }
            let Some(e) = self.folder.exact(&name).cloned() else {
                continue;
            };
            let Ok(bytes) = self.folder.read(&e, self.folder.max_file) else {
                continue;
            };
            if signed && sig78::looks_signed78(&bytes) {
                // 78xx files: their own header (SHA-256 of the payload, embedded name).
                match sig78::parse(&bytes) {
                    Err(err) => self.push(
                        &check::IMAGE_DAMAGED,
                        "R26",
                        &name,
                        None,
                        format!("the 78xx signed header does not parse: {err}"),
                        "Unpack the image from the release again (downloads cut short are the usual cause).".into(),
                    ),
                    Ok(s) if !s.sha256_ok => self.push(
                        &check::IMAGE_DAMAGED,
                        "R26",
                        &name,
                        None,
                        "the payload's SHA-256 is not the one in the 78xx header: damaged or cut short".into(),
                        "Unpack the image from the release again (downloads cut short are the usual cause).".into(),
                    ),
                    Ok(s) if s.filename != name => self.push(
                        &check::IMAGE_RENAMED,
                        "R29",
                        &name,
                        None,
                        format!("the signed header was made for {:?}", s.filename),
                        format!("Use the file under its own name ({}) as unpacked from the release.", s.filename),
                    ),
                    Ok(_) => {}
                }
                continue;
            }
            if signed {
                match sgn::parse(&bytes) {
                    Err(err) => {
                        // .loads parse failures are reported by loads-unreadable already.
                        if !lower.ends_with(".loads") {
                            self.push(
                                &check::IMAGE_DAMAGED,
                                "R26",
                                &name,
                                None,
                                format!("the signed header does not parse: {err}"),
                                "Unpack the image from the release zip again (downloads cut short or transferred as text are the usual cause).".into(),
                            );
                        }
                        continue;
                    }
                    Ok(s) => {
                        if s.header.filename_matches(&name) == Some(false) {
                            let embedded = s.header.filename.clone().unwrap_or_default();
                            self.push(
                                &check::IMAGE_RENAMED,
                                "R29",
                                &name,
                                None,
                                format!("the signed header was made for {embedded:?}"),
                                format!("Use the file under its own name ({embedded}) as unpacked from the release zip."),
                            );
                        }
                    }
                }
            }
            if kup_ext && let Err(err) = upgradecode::image_platform(&name, &bytes) {
                self.push(
                    &check::IMAGE_DAMAGED,
                    "R26",
                    &name,
                    None,
                    err,
                    "Unpack the image from the release zip again.".into(),
                );
            }
        }
    }

    pub(super) fn permissions(&mut self) {
        let mut names: BTreeSet<String> = self.referenced.clone();
        for (n, _) in fixed_names() {
            if let Some(e) = self.folder.any_case(&n) {
                names.insert(e.name.clone());
            }
        }
        for name in names {
            let Some(e) = self.folder.exact(&name) else {
                continue;
            };
            if e.kind != Kind::File {
                continue;
            }
            if let Some(mode) = e.mode
                && mode & 0o004 == 0
            {
                let name = e.name.clone();
                self.push(
                    &check::NOT_WORLD_READABLE,
                    "R8",
                    &name,
                    None,
                    format!(
                        "permissions {:o}: other users (such as the TFTP server's) cannot read it",
                        mode & 0o777
                    ),
                    format!("chmod a+r {name}"),
                );
            }
        }
    }
}
