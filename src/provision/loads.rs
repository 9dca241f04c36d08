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
        let Ok(bytes) = crate::text::read_bounded(&root.join(&manifest), MAX_MANIFEST) else {
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
    // A 7905G/7912G/ATA image, or a bare signed image.
    for ext in ["sbin", "zup", "sbn", "bin"] {
        if exists(&format!("{load}.{ext}")) {
            return Vec::new();
        }
    }
    vec![format!("{load}.loads (or {load}.sbin, .zup, .sbn)")]
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
