//! `#txt` profiles of the 7905G/7912G and ATA 186/188: the names against the built-in tag
//! table (with suggestions), duplicates, the values the catalogue types, and what the
//! compiler itself says about the file (a compile in memory, nothing written).
use std::collections::HashMap;
use std::path::Path;

use super::checks;
use super::{check_name_value, finding};
use crate::catalogue::Catalogue;
use crate::device::ConfigKind;
use crate::diag::DiagKind;
use crate::finding::{Finding, Severity};
use crate::profile::{CompileOptions, compile};
use crate::table::{TagTable, builtin};
use crate::text::{Item, NoIncludes, read_profile};

pub(crate) fn lint(file: &str, bytes: &[u8], kind: ConfigKind, out: &mut Vec<Finding>) {
    let cat = Catalogue::builtin();
    let path = Path::new(file);
    let items = match read_profile(bytes, path, &mut NoIncludes) {
        Ok(items) => items,
        Err(e) => {
            out.push(finding(
                &checks::CONFIG_SYNTAX,
                file,
                None,
                format!("the profile cannot be read: {e}"),
                "Fix the profile; the compiler refuses it.".into(),
            ));
            return;
        }
    };
    // Folded name -> (line, value) of its first setting.
    let mut seen: HashMap<String, (usize, String)> = HashMap::new();
    for item in &items {
        let Item::Assign(a) = item else { continue };
        let name = a.name_lossy();
        let value: String = a.value.iter().map(|&b| char::from(b)).collect();
        let line = a.location.line;
        // Keywords the compiler handles itself (upgradecode, upgradelogo …) are not
        // table names.
        if matches!(
            name.to_ascii_lowercase().as_str(),
            "upgradecode" | "upgradelogo" | "include"
        ) {
            continue;
        }
        let p = check_name_value(cat, kind, &name, Some(&value), file, Some(line), out);
        let secret = p.is_some_and(|p| p.is_secret()) || crate::catalogue::looks_secret(&name);
        let key = name.to_ascii_lowercase();
        match seen.get(&key) {
            Some((first, v0)) if *v0 == value => out.push(finding(
&checks::DUPLICATE_KEY,
                file,
                Some(line),
                format!("{name} is set again, to the same value as at line {first}"),
                format!("Remove one of the two {name} lines."),
            )),
            Some((first, v0)) => out.push(finding(
&checks::CONFLICTING_DUPLICATE,
                file,
                Some(line),
                if secret {
                    format!("{name} is set again, to another value than at line {first} (the last one wins)")
                } else {
                    format!("{name} is set to \"{value}\" here and to \"{v0}\" at line {first} (the last one wins)")
                },
                format!("Keep one {name} line, with the value you mean."),
            )),
            None => {
                seen.insert(key, (line, value));
            }
        }
    }
    // The compiler's notes on lines already reported say the same thing again.
    let reported: std::collections::BTreeSet<Option<usize>> =
        out.iter().map(Finding::line).collect();
    let mut said = Vec::new();
    compiler_says(file, bytes, kind, &mut said);
    out.extend(
        said.into_iter()
            .filter(|f| f.line().is_none() || !reported.contains(&f.line())),
    );
}

/// The compiler's own errors and value notes (unknown names are reported above).
fn compiler_says(file: &str, bytes: &[u8], kind: ConfigKind, out: &mut Vec<Finding>) {
    let name = if kind == ConfigKind::ProfileAta {
        "ata186"
    } else {
        "7912"
    };
    let Some(t) = builtin(name) else { return };
    let (table, _) = TagTable::parse(t.text.as_bytes());
    let opts = CompileOptions::default();
    match compile(bytes, Path::new(file), &mut NoIncludes, &table, &opts) {
        Ok(o) => {
            for d in o.diagnostics {
                let keep = match &d.kind {
                    DiagKind::UnknownAttribute { .. } | DiagKind::EmptyValue { .. } => false,
                    DiagKind::ValueNote { .. } => true,
                    _ => d.severity() == Severity::Error,
                };
                if keep {
                    let line = d.location.as_ref().map(|l| l.line);
                    out.push(finding(
                        &checks::VALUE_NOT_ALLOWED,
                        file,
                        line,
                        format!("the compiler says: {d}"),
                        "Write the value in the form the tag table gives (docs/profiles.md)."
                            .into(),
                    ));
                }
            }
        }
        Err(e) => out.push(finding(
            &checks::CONFIG_SYNTAX,
            file,
            None,
            format!("the compiler refuses the profile: {e}"),
            "Fix the profile.".into(),
        )),
    }
}
