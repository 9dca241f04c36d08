//! A `load` must be complete in the root: its manifest and every file the manifest names,
//! or the single image file of a 7905G/7912G/ATA load.

use std::collections::BTreeMap;
use std::path::Path;

use super::inventory::{Inventory, Key, Std};
use crate::finding::Finding;
use crate::pkg::loads;

/// Largest manifest read.
const MAX_MANIFEST: u64 = 1 << 20;

/// Why a load is not complete in `root`: the files missing (empty: complete).
pub fn missing_files(root: &Path, load: &str) -> Vec<String> {
    let exists = |name: &str| root.join(name).is_file();
    if load.contains('.') && exists(load) {
        return Vec::new();
    }
    let manifest = format!("{load}.loads");
    if exists(&manifest) {
        let Ok(bytes) = crate::text::read_bounded(
            &root.join(&manifest),
            crate::io::Limit::new(MAX_MANIFEST, "not a .loads manifest"),
        ) else {
            return vec![format!("{manifest} (unreadable)")];
        };
        let named: Vec<String> = match loads::parse(&bytes) {
            Ok(lf) => vec![
                lf.loader_name().to_string(),
                lf.application_name().to_string(),
            ],
            Err(_) => match crate::assist::doctor::file_list(&manifest, &bytes) {
                Some(Ok(list)) => list.files.iter().map(|f| f.name.clone()).collect(),
                _ => return vec![format!("{manifest} (not a manifest provision can read)")],
            },
        };
        return named.into_iter().filter(|n| !exists(n)).collect();
    }
    // A signed manifest (the 792x's `.LOADS`), a 7905G/7912G/ATA image, or a bare signed
    // image (the 69xx's `.zz.sgn`).
    let others = crate::device::LOAD_FILE_EXTENSIONS
        .iter()
        .filter(|e| **e != "loads");
    for ext in others.clone() {
        if exists(&format!("{load}.{ext}")) {
            return Vec::new();
        }
    }
    let shown: Vec<String> = others.map(|e| format!(".{e}")).collect();
    vec![format!("{manifest} (or {load}{})", shown.join(", "))]
}

/// One error per load that is not complete in `root`, naming the rows that use it.
pub fn check(inv: &Inventory, root: &Path) -> Vec<Finding> {
    let mut used: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    if let Some((l, _)) = inv.fleet_value(&Key::Std(Std::Load))
        && let Some(f) = &inv.fleet
    {
        used.entry(l).or_default().push(f.line);
    }
    for d in &inv.devices {
        if let Some((l, super::Source::Row { line, .. })) = inv.value(d, &Key::Std(Std::Load)) {
            used.entry(l).or_default().push(line);
        }
    }
    let mut out = Vec::new();
    for (load, lines) in used {
        let missing = missing_files(root, load);
        if missing.is_empty() {
            continue;
        }
        let shown: Vec<String> = lines.iter().take(5).map(u64::to_string).collect();
        let more = if lines.len() > 5 {
            format!(" and {} more", lines.len() - 5)
        } else {
            String::new()
        };
        out.push(
            Finding::error(
                "provision-load-incomplete",
                format!(
                    "column load: {load:?} is not complete in {}: missing {} (line{} {}{more})",
                    root.display(),
                    missing.join(", "),
                    if lines.len() == 1 { "" } else { "s" },
                    shown.join(", ")
                ),
            )
            .in_file(&inv.path)
            .at_line(lines.first().and_then(|&l| usize::try_from(l).ok()))
            .fix("Unpack the load's whole release into the root, or name a load that is there."),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cisco's 7921G/7925G releases ship a signed `.LOADS` manifest, the 69xx a `.zz.sgn`
    /// image: each makes its load present, as lint and doctor see it.
    #[test]
    fn a_792x_loads_manifest_and_a_69xx_image_count() {
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        std::fs::write(r.join("CP7925G-1.4.7.3.LOADS"), b"\x00signed").unwrap();
        std::fs::write(r.join("SIP69xx.9-4-1-3SR2.zz.sgn"), b"\x00signed").unwrap();
        assert_eq!(missing_files(r, "CP7925G-1.4.7.3"), Vec::<String>::new());
        assert_eq!(missing_files(r, "SIP69xx.9-4-1-3SR2"), Vec::<String>::new());
        let missing = missing_files(r, "CP7921G-1.4.6.3");
        assert_eq!(missing.len(), 1);
        assert!(missing[0].contains(".LOADS"), "{missing:?}");
    }
}
