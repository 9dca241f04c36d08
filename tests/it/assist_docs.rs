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
