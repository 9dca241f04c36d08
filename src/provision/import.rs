//! `--import ROOT`: an inventory from the files already in a TFTP root (`SIPDefault.cnf`,
//! `SIP<MAC>.cnf`, `SEP<MAC>.cnf.xml`, `gk`/`ld`/`ata` profiles), and the root's findings.
//! The way in for admins who already have files: provision then renders them from the CSV.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::diff::{self, Param};
use super::params;
use crate::assist::doctor::{DoctorOptions, doctor};
use crate::device::{BootFileKind, ConfigKind, classify_boot_file};
use crate::finding::Finding;

/// What an import found.
#[derive(Debug, Clone)]
pub struct Imported {
    /// The inventory, as CSV text (it holds passwords: write it owner-only).
    pub csv: String,
    pub devices: usize,
    /// The root's findings (doctor), then what the import could not tell.
    pub findings: Vec<Finding>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Doctor(String),
}

const ORDER: &[&str] = &[
    "mac",
    "model",
    "protocol",
    "number",
    "auth_name",
    "password",
    "display_name",
    "label",
    "proxy",
    "proxy_port",
    "load",
];

type Row = BTreeMap<String, String>;

fn get<'a>(params: &'a [Param], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|p| p.key == key)
        .map(|p| p.value.as_str())
        .filter(|v| !v.is_empty())
}

fn set(row: &mut Row, col: &str, v: Option<&str>) {
    if let Some(v) = v.filter(|v| !v.is_empty()) {
        row.insert(col.to_string(), v.to_string());
    }
}

fn line_col(n: usize, field: &str) -> String {
    if n == 1 {
        field.to_string()
    } else {
        format!("line{n}_{field}")
    }
}

/// The model a load's name points to (`SIP41…` → 7941); `None` when it does not say.
fn model_of_load(load: &str) -> Option<&'static str> {
    super::inventory::load_model(load).map(crate::device::Model::name)
}

fn cnf_row(row: &mut Row, p: &[Param]) {
    set(row, "proxy", get(p, "proxy1_address"));
    set(row, "proxy_port", get(p, "proxy1_port"));
    set(row, "load", get(p, "image_version"));
    set(row, "ntp", get(p, "sntp_server"));
    for n in 1..=6 {
        set(
            row,
            &line_col(n, "number"),
            get(p, &format!("line{n}_name")),
        );
        let auth = get(p, &format!("line{n}_authname"));
        if auth != get(p, &format!("line{n}_name")) {
            set(row, &line_col(n, "auth_name"), auth);
        }
        set(
            row,
            &line_col(n, "password"),
            get(p, &format!("line{n}_password")),
        );
        set(
            row,
            &line_col(n, "display_name"),
            get(p, &format!("line{n}_displayname")),
        );
        set(
            row,
            &line_col(n, "label"),
            get(p, &format!("line{n}_shortname")),
        );
    }
    for param in p {
        if params::CNF.iter().any(|c| c.name == param.key) && !param.value.is_empty() {
            row.insert(param.key.clone(), param.value.clone());
        }
    }
}

/// Reads `root` into an inventory.
pub fn import(root: &Path) -> Result<Imported, ImportError> {
    let report =
        doctor(root, &DoctorOptions::default()).map_err(|e| ImportError::Doctor(e.to_string()))?;
    let mut findings = report.findings;
    let mut rows: BTreeMap<String, Row> = BTreeMap::new();
    let mut fleet = Row::new();
    let mut names: Vec<String> = std::fs::read_dir(root)
        .map_err(|source| ImportError::Read {
            path: root.display().to_string(),
            source,
        })?
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let Some((kind, mac)) = classify_boot_file(&name) else {
            continue;
        };
        let note = |what: String| Finding::info("import-note", what).in_file(&name);
        let bytes = match crate::text::read_bounded(&root.join(&name), crate::io::Limit::CONFIG) {
            Ok(bytes) => bytes,
            Err(e) => {
                // A device left out of the inventory without a word would be re-provisioned
                // from defaults: say which file was not read, and why.
                findings.push(
                    Finding::warning(
                        "import-unreadable",
                        format!("not imported: {e}; fill in its device by hand"),
                    )
                    .in_file(&name),
                );
                continue;
            }
        };
        match (kind, mac) {
            (BootFileKind::SipDefault, _) => {
                if let Some(p) = diff::file_params(kind, &bytes) {
                    cnf_row(&mut fleet, &p);
                }
            }
            (BootFileKind::SipMac, Some(mac)) => {
                let Some(p) = diff::file_params(kind, &bytes) else {
                    continue;
                };
                let row = rows.entry(mac.upper()).or_default();
                let lines = (1..=6)
                    .filter(|n| get(&p, &format!("line{n}_name")).is_some())
                    .max()
                    .unwrap_or(1);
                row.insert(
                    "model".into(),
                    if lines > 2 { "7960" } else { "7940" }.into(),
                );
                if lines <= 2 {
                    findings.push(note(
                        "a 7940 or a 7960: the file does not say; written as 7940 (2 lines)".into(),
                    ));
                }
                row.insert("protocol".into(), "sip".into());
                cnf_row(row, &p);
            }
            (BootFileKind::SepMac, Some(mac)) => {
                let Some(p) = diff::file_params(kind, &bytes) else {
                    findings.push(note("not XML: skipped".into()));
                    continue;
                };
                let row = rows.entry(mac.upper()).or_default();
                let sip = get(&p, "deviceProtocol") == Some("SIP")
                    || p.iter().any(|x| x.key.starts_with("sipProfile/"));
                row.insert("protocol".into(), if sip { "sip" } else { "sccp" }.into());
                let load = get(&p, "loadInformation");
                set(row, "load", load);
                match load.and_then(model_of_load) {
                    Some(m) => {
                        row.insert("model".into(), m.into());
                    }
                    None => findings.push(note(
                        "the model cannot be told from the file: fill in the model column".into(),
                    )),
                }
                let cm = "devicePool/callManagerGroup/members/member/callManager";
                set(row, "proxy", get(&p, &format!("{cm}/processNodeName")));
                set(
                    row,
                    "ntp",
                    get(&p, "devicePool/dateTimeSetting/ntps/ntp/name"),
                );
                for n in 1..=16 {
                    let l = |f: &str| format!("sipProfile/sipLines/line[{n}]/{f}");
                    if get(&p, &l("featureID")).is_some_and(|f| f != "9") {
                        continue;
                    }
                    set(row, &line_col(n, "number"), get(&p, &l("name")));
                    if get(&p, &l("authName")) != get(&p, &l("name")) {
                        set(row, &line_col(n, "auth_name"), get(&p, &l("authName")));
                    }
                    set(row, &line_col(n, "password"), get(&p, &l("authPassword")));
                    set(
                        row,
                        &line_col(n, "display_name"),
                        get(&p, &l("displayName")),
                    );
                    if get(&p, &l("featureLabel")) != get(&p, &l("name")) {
                        set(row, &line_col(n, "label"), get(&p, &l("featureLabel")));
                    }
                }
            }
            (BootFileKind::ProfileMac | BootFileKind::AtaMac, Some(mac)) => {
                let ata = kind == BootFileKind::AtaMac;
                let ck = if ata {
                    ConfigKind::ProfileAta
                } else {
                    ConfigKind::Profile7905
                };
                let Some(p) = diff::profile_params(ck, &bytes) else {
                    findings.push(note("not a profile provision can decode: skipped".into()));
                    continue;
                };
                let row = rows.entry(mac.upper()).or_default();
                let model = if ata {
                    "ata186"
                } else if name.starts_with("ld") {
                    "7905"
                } else {
                    "7912"
                };
                row.insert("model".into(), model.into());
                row.insert("protocol".into(), "sip".into());
                let (uid, pwd, dn, login) = if ata {
                    ("UID0", "PWD0", "DisplayName0", "LoginID0")
                } else {
                    ("UID", "PWD", "DisplayName", "LoginID")
                };
                set(row, "number", get(&p, uid));
                set(row, "password", get(&p, pwd));
                set(row, "display_name", get(&p, dn));
                set(row, "auth_name", get(&p, login));
                set(
                    row,
                    "proxy",
                    get(&p, if ata { "GkOrProxy" } else { "Proxy" }),
                );
                set(row, "ntp", get(&p, "NTPIP"));
                if let Some(up) = get(&p, "upgradecode") {
                    let file = up.rsplit(',').next().unwrap_or_default();
                    set(
                        row,
                        "load",
                        Some(file.trim_end_matches(".sbin").trim_end_matches(".zup")),
                    );
                }
                if ata {
                    set(row, "line2_number", get(&p, "UID1"));
                    set(row, "line2_password", get(&p, "PWD1"));
                    set(row, "line2_display_name", get(&p, "DisplayName1"));
                } else {
                    set(row, "label", get(&p, "ShortName"));
                }
            }
            _ => {}
        }
    }
    // The default file's load is the .cnf phones' load, not the whole fleet's.
    if let Some(load) = fleet.remove("load") {
        for r in rows.values_mut() {
            if r.get("model").is_some_and(|m| m == "7940" || m == "7960")
                && r.get("protocol").is_some_and(|p| p == "sip")
            {
                r.entry("load".into()).or_insert_with(|| load.clone());
            }
        }
    }
    // Columns: the standard ones in order, then the others as found.
    let mut cols: Vec<String> = ORDER.iter().map(|s| s.to_string()).collect();
    let mut extra: BTreeSet<String> = BTreeSet::new();
    for r in rows.values().chain(std::iter::once(&fleet)) {
        extra.extend(r.keys().filter(|k| !ORDER.contains(&k.as_str())).cloned());
    }
    cols.extend(extra);
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&cols);
    let record = |mac: &str, r: &Row| -> Vec<String> {
        cols.iter()
            .map(|c| {
                if c == "mac" {
                    mac.to_string()
                } else {
                    r.get(c).cloned().unwrap_or_default()
                }
            })
            .collect()
    };
    if !fleet.is_empty() {
        let _ = w.write_record(record("*", &fleet));
    }
    for (mac, r) in &rows {
        let _ = w.write_record(record(mac, r));
    }
    let csv = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
    Ok(Imported {
        csv,
        devices: rows.len(),
        findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A device file the import cannot read is named, not dropped in silence.
    #[test]
    fn a_file_too_large_to_import_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let big = "SEP0014F28DD38A.cnf.xml";
        std::fs::write(
            dir.path().join(big),
            vec![b' '; crate::io::Limit::CONFIG.bytes as usize + 1],
        )
        .unwrap();
        let imported = import(dir.path()).unwrap();
        assert_eq!(imported.devices, 0);
        let f = imported
            .findings
            .iter()
            .find(|f| f.code == "import-unreadable")
            .unwrap_or_else(|| panic!("{:#?}", imported.findings));
        assert_eq!(f.file, big, "{f:?}");
        assert!(f.message.contains("more than 1 MiB"), "{}", f.message);
    }

    /// The model is read from any load name the shared tables know, the 7912G's SCCP
    /// image included (the import's own table missed it and asked for the model by hand).
    #[test]
    fn the_model_comes_from_the_load_name() {
        assert_eq!(model_of_load("CP7912080004SCCP080108A"), Some("7912"));
        assert_eq!(model_of_load("SCCP11.9-4-2SR1-1S"), Some("7911"));
        assert_eq!(model_of_load("SIP41.9-4-2SR1-1S"), Some("7941"));
        assert_eq!(model_of_load("P0S3-8-12-00"), Some("7960"));
        assert_eq!(model_of_load("whatever"), None);
    }
}
