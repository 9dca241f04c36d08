//! docs/assistant.md holds the rule → check table generated from the catalogue, and every rule
//! of conversion-rules.md maps to a check or a plan step.
use cfgfmt::assist::{CHECKS, PLAN_RULES, rules_table};

const START: &str = "<!-- rules-table:start -->\n";
const END: &str = "<!-- rules-table:end -->";

#[test]
fn every_rule_has_a_check_or_plan_step() {
    for n in 1..=32 {
        let rule = format!("R{n}");
        let checked = CHECKS.iter().any(|c| c.rules.contains(&rule.as_str()));
        let planned = PLAN_RULES.iter().any(|(r, _)| *r == rule);
        assert!(checked || planned, "{rule} maps to nothing");
    }
    let mut ids: Vec<_> = CHECKS.iter().map(|c| c.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), CHECKS.len(), "check ids are unique");
}

/// `ASSIST_UPDATE_DOCS=1 cargo test --test it -- assist_docs` rewrites the table.
#[test]
fn docs_table_matches_the_catalogue() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/assistant.md");
    let doc = std::fs::read_to_string(path).unwrap();
    let start = doc.find(START).expect("start marker") + START.len();
    let end = doc.find(END).expect("end marker");
    let want = rules_table();
    if doc[start..end] != want {
        if std::env::var_os("ASSIST_UPDATE_DOCS").is_some() {
            let new = format!("{}{want}{}", &doc[..start], &doc[end..]);
            std::fs::write(path, new).unwrap();
        } else {
            panic!("docs/assistant.md's rule table is out of date; run with ASSIST_UPDATE_DOCS=1");
        }
    }
    for c in CHECKS {
        assert!(doc.contains(&format!("`{}`", c.id)), "{}", c.id);
    }
}

/// The file checks of `inspect` are documented beside the doctor rules, generated from their
/// catalogues (`ASSIST_UPDATE_DOCS=1` rewrites them).
#[test]
fn docs_list_the_inspect_checks() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/assistant.md");
    let mut doc = std::fs::read_to_string(path).unwrap();
    let mut stale = Vec::new();
    for (marker, checks) in [
        ("profile-checks", cfgfmt::profile::inspect::CHECKS),
        ("package-checks", cfgfmt::pkg::CHECKS),
    ] {
        let start_marker = format!("<!-- {marker}:start -->\n");
        let start = doc.find(&start_marker).expect("start marker") + start_marker.len();
        let end = doc
            .find(&format!("<!-- {marker}:end -->"))
            .expect("end marker");
        let want = cfgfmt::finding::checks_table(checks);
        if doc[start..end] != want {
            stale.push(marker);
            doc = format!("{}{want}{}", &doc[..start], &doc[end..]);
        }
        for c in checks {
            assert!(doc.contains(&format!("| `{}` |", c.id)), "{}", c.id);
        }
    }
    if !stale.is_empty() {
        if std::env::var_os("ASSIST_UPDATE_DOCS").is_some() {
            std::fs::write(path, doc).unwrap();
        } else {
            panic!(
                "docs/assistant.md's {stale:?} tables are out of date; run with ASSIST_UPDATE_DOCS=1"
            );
        }
    }
    let catalogues: Vec<_> = cfgfmt::finding::CATALOGUES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert_eq!(
        catalogues,
        [
            "doctor",
            "tftp",
            "inspect-profile",
            "inspect-package",
            "lint",
            "provision"
        ]
    );
}
