//! Firmware bundles (`.zip`) and the cross-file checks shared with folder inspection: does a
//! set of files hold everything its load needs, and do the files agree with each other?
use super::detect::{FileKind, detect};
use super::error::{PkgError, Result};
use super::{MAX_OUTPUT, image, kup, loads, names, sgn, textfiles};
use crate::report::Status;
use serde::Serialize;
use std::io::Read;

/// Largest single member we read (declared sizes are not trusted).
pub const MAX_MEMBER: usize = 16 * 1024 * 1024;
/// Cap on the sum of all member reads.
pub const MAX_TOTAL: usize = MAX_OUTPUT;
/// Cap on the member count we look at.
pub const MAX_MEMBERS: usize = 4096;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Member {
    pub name: String,
    pub declared_size: u64,
    #[serde(skip)]
    pub data: Vec<u8>,
    /// The read stopped at a cap (member larger than allowed or the total budget exhausted).
    pub truncated: bool,
    pub error: Option<String>,
}

impl Member {
    pub fn basename(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

pub fn read_zip(bytes: &[u8]) -> Result<Vec<Member>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| PkgError::invalid(0, format!("zip: {e}")))?;
    let count = archive.len();
    if count > MAX_MEMBERS {
        return Err(PkgError::TooLarge {
            offset: 0,
            what: "zip member count",
            limit: MAX_MEMBERS,
        });
    }
    let mut budget = MAX_TOTAL;
    let mut members = Vec::new();
    for i in 0..count {
        let mut file = match archive.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                members.push(Member {
                    name: format!("#{i}"),
                    declared_size: 0,
                    data: Vec::new(),
                    truncated: false,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        let name = match file.name() {
            Ok(n) => n.into_owned(),
            Err(e) => format!("#{i} (bad name: {e})"),
        };
        let declared_size = file.size();
        let cap = MAX_MEMBER.min(budget);
        let mut data = Vec::new();
        let limit = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
        let error = (&mut file)
            .take(limit)
            .read_to_end(&mut data)
            .err()
            .map(|e| e.to_string());
        let truncated = data.len() > cap;
        data.truncate(cap);
        budget -= data.len();
        members.push(Member {
            name,
            declared_size,
            data,
            truncated,
            error,
        });
    }
    Ok(members)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Check {
    pub name: String,
    pub status: Status,
    pub detail: String,
}

fn check(name: impl Into<String>, ok: bool, detail: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        status: if ok { Status::Ok } else { Status::Bad },
        detail: detail.into(),
    }
}
fn info(name: impl Into<String>, detail: impl Into<String>) -> Check {
    Check {
        name: name.into(),
        status: Status::Info,
        detail: detail.into(),
    }
}

/// A file of a set: (basename, bytes).
pub type SetFile<'a> = (&'a str, &'a [u8]);

fn find<'a>(set: &[SetFile<'a>], name: &str) -> (Option<SetFile<'a>>, Option<&'a str>) {
    let exact = set.iter().find(|(n, _)| *n == name).copied();
    let ci = set
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(n, _)| *n);
    (exact, ci)
}

fn presence(set: &[SetFile<'_>], name: &str, checks: &mut Vec<Check>) -> Option<Vec<u8>> {
    match find(set, name) {
        (Some((_, bytes)), _) => {
            checks.push(check(
                format!("{name} present"),
                true,
                format!("{} bytes", bytes.len()),
            ));
            Some(bytes.to_vec())
        }
        (None, Some(other)) => {
            checks.push(check(
                format!("{name} present"),
                false,
                format!("only {other:?} (TFTP names are case-sensitive)"),
            ));
            None
        }
        (None, None) => {
            checks.push(check(format!("{name} present"), false, "missing"));
            None
        }
    }
}

fn embedded_name(name: &str, bytes: &[u8], checks: &mut Vec<Check>) -> Option<Vec<u8>> {
    match sgn::parse(bytes) {
        Ok(s) => {
            if let Some(m) = s.header.filename_matches(name) {
                let embedded = s.header.filename.clone().unwrap_or_default();
                checks.push(check(
                    format!("{name} embedded name"),
                    m,
                    format!("tag 14 says {embedded:?}"),
                ));
            }
            Some(s.payload().to_vec())
        }
        Err(e) => {
            checks.push(check(format!("{name} signed header"), false, e.to_string()));
            None
        }
    }
}

/// Cross-file checks over a folder or bundle.
pub fn check_set(set: &[SetFile<'_>]) -> Vec<Check> {
    let mut checks = Vec::new();
    let mut loads_found = false;
    for (name, bytes) in set {
        let kind = detect(name, bytes);
        match kind {
            FileKind::Loads => {
                loads_found = true;
                check_loads(set, name, bytes, &mut checks);
            }
            FileKind::LoadsList | FileKind::Loads78xx => {
                loads_found = true;
                check_list(set, name, bytes, kind, &mut checks);
            }
            FileKind::SignedKup | FileKind::Kup => {
                let base = if kind == FileKind::SignedKup {
                    sgn::parse(bytes).map(|s| s.payload_offset()).unwrap_or(0)
                } else {
                    0
                };
                let ok = bytes
                    .get(base..)
                    .map(|p| kup::parse(p, base))
                    .map(|r| match r {
                        Ok(pkg) => match pkg.verify_regions() {
                            Ok(v) => pkg.checksum_ok() && v.iter().all(|c| c.ok()),
                            Err(_) => false,
                        },
                        Err(_) => false,
                    });
                checks.push(check(
                    format!("{name} package intact"),
                    ok == Some(true),
                    "kup1 checksum and region CRCs",
                ));
                if let Some(n) = names::parse(name)
                    && let Some(code) = n.upgradecode_date()
                {
                    checks.push(info(format!("{name} upgradecode date"), code));
                }
            }
            FileKind::Os79xxTxt => {
                if let Ok(os) = textfiles::parse_os79xx(bytes) {
                    let stem = &os.name;
                    let has = set.iter().any(|(n, _)| {
                        n.strip_suffix(".sbn")
                            .or_else(|| n.strip_suffix(".bin"))
                            .or_else(|| n.strip_suffix(".loads"))
                            == Some(stem.as_str())
                    });
                    checks.push(check(
                        format!("{name} names a load in this set"),
                        has,
                        format!("{stem:?}"),
                    ));
                }
            }
            _ => {}
        }
    }
    if !loads_found
        && !set
            .iter()
            .any(|(n, b)| matches!(detect(n, b), FileKind::SignedKup | FileKind::Kup))
    {
        checks.push(info(
            "set",
            "no .loads manifest or kup1 package found: nothing to check for completeness",
        ));
    }
    checks
}

/// A file-list manifest (79x1, 69xx, 792x, 78xx): are the files it lists here, with the size
/// it gives? A missing file is reported as information: this tool covers those families'
/// manifests, not their sets (a TFTP root often keeps manifests of loads it does not serve).
fn check_list(
    set: &[SetFile<'_>],
    name: &str,
    bytes: &[u8],
    kind: FileKind,
    checks: &mut Vec<Check>,
) {
    let parsed = if kind == FileKind::Loads78xx {
        super::sig78::parse(bytes)
            .and_then(|s| loads::parse_file_list(s.payload(), s.header_length))
    } else {
        sgn::parse(bytes).and_then(|s| loads::parse_file_list(s.payload(), s.payload_offset()))
    };
    let list = match parsed {
        Ok(l) => l,
        Err(e) => {
            checks.push(check(format!("{name} parses"), false, e.to_string()));
            return;
        }
    };
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for f in &list.files {
        match find(set, &f.name) {
            (Some((_, b)), _) => {
                if let Some(want) = f.size
                    && want != b.len() as u64
                {
                    wrong.push(format!(
                        "{} is {} bytes, the manifest says {want}",
                        f.name,
                        b.len()
                    ));
                }
            }
            (None, Some(other)) => {
                missing.push(format!("{} (\"{other}\" differs in case)", f.name))
            }
            (None, None) => missing.push(f.name.clone()),
        }
    }
    if !wrong.is_empty() {
        checks.push(check(
            format!("{name} listed sizes"),
            false,
            wrong.join("; "),
        ));
    }
    if missing.is_empty() {
        checks.push(check(
            format!("{name} files present"),
            true,
            format!("all {} listed files are here", list.files.len()),
        ));
    } else {
        checks.push(info(
            format!("{name} files present"),
            format!(
                "{} of {} listed files are not here: {}",
                missing.len(),
                list.files.len(),
                missing.join(", ")
            ),
        ));
    }
}

fn check_loads(set: &[SetFile<'_>], name: &str, bytes: &[u8], checks: &mut Vec<Check>) {
    let lf = match loads::parse(bytes) {
        Ok(l) => l,
        Err(e) => {
            checks.push(check(format!("{name} parses"), false, e.to_string()));
            return;
        }
    };
    if let Some(m) = lf.signed.header.filename_matches(name) {
        checks.push(check(
            format!("{name} embedded name"),
            m,
            format!(
                "tag 14 says {:?}",
                lf.signed.header.filename.clone().unwrap_or_default()
            ),
        ));
    }
    let loader = lf.loader_name().to_string();
    let app = lf.application_name().to_string();
    let la = lf.la_version_value().to_string();
    // Each part is checked even when an earlier one is missing.
    let loader_here = check_loader(set, &loader, &la, checks);
    let app_here = check_application(set, &app, checks);
    let os_here = check_os79xx(set, name, &loader, checks);
    let complete = loader_here && app_here && os_here;
    checks.push(check(
        format!("{name} set complete"),
        complete,
        if complete {
            "all files the load needs are present"
        } else {
            "files missing (see above)"
        },
    ));
}

/// The loader (.sbn and its bare .bin) and its version tag against
/// LA_VERSION; false when either file is missing.
fn check_loader(set: &[SetFile<'_>], loader: &str, la: &str, checks: &mut Vec<Check>) -> bool {
    let mut complete = true;
    let mut loader_payload = None;
    if let Some(sbn) = presence(set, loader, checks) {
        loader_payload = embedded_name(loader, &sbn, checks);
    } else {
        complete = false;
    }
    let bin_name = format!("{}.bin", loader.strip_suffix(".sbn").unwrap_or(loader));
    if let Some(bin) = presence(set, &bin_name, checks) {
        if let Some(p) = &loader_payload {
            checks.push(check(
                format!("{loader} minus header equals {bin_name}"),
                *p == bin,
                format!("{} vs {} bytes", p.len(), bin.len()),
            ));
        }
        loader_payload.get_or_insert(bin);
    } else {
        complete = false;
    }
    if let Some(p) = &loader_payload {
        match image::parse(p, 0) {
            Ok(img) => checks.push(check(
                "LA_VERSION matches loader tag".to_string(),
                img.version_tag == la,
                format!("LA_VERSION={la}, loader tag {}", img.version_tag),
            )),
            Err(e) => checks.push(check(
                format!("{loader} loader image"),
                false,
                e.to_string(),
            )),
        }
    }
    complete
}

/// The application image; false when it is missing.
fn check_application(set: &[SetFile<'_>], app: &str, checks: &mut Vec<Check>) -> bool {
    let Some(sb2) = presence(set, app, checks) else {
        return false;
    };
    if let Some(p) = embedded_name(app, &sb2, checks) {
        match image::parse(&p, 0) {
            Ok(img) => checks.push(check(
                format!("{app} application image"),
                img.kind == image::ImageKind::Application,
                format!("load {:?}, tag {}", img.load_name, img.version_tag),
            )),
            Err(e) => checks.push(check(
                format!("{app} application image"),
                false,
                e.to_string(),
            )),
        }
    }
    true
}

/// OS79XX.TXT naming the loader, for SIP loads; false when a SIP load
/// lacks it.
fn check_os79xx(set: &[SetFile<'_>], name: &str, loader: &str, checks: &mut Vec<Check>) -> bool {
    let load = names::parse(name);
    if !load
        .as_ref()
        .is_some_and(|l| l.protocol == names::Protocol::Sip)
    {
        return true;
    }
    // The SIP archives ship OS79XX.TXT naming the loader; SCCP installers do not.
    let Some(txt) = presence(set, "OS79XX.TXT", checks) else {
        return false;
    };
    if let Ok(os) = textfiles::parse_os79xx(&txt) {
        let want = loader.strip_suffix(".sbn").unwrap_or(loader);
        checks.push(check(
            "OS79XX.TXT names the loader",
            os.name == want,
            format!("{:?}", os.name),
        ));
    }
    true
}
