//! The findings `provision` reports, in the one check catalogue ([`crate::finding::CATALOGUES`]):
//! their ids go out in `--json`, so each is listed here and in `docs/provision.md`, and a
//! test keeps the ids the module writes and this list the same.
use crate::finding::catalogue;

catalogue! {
    /// Every finding `provision` reports, in the order of `docs/provision.md`.
    pub const PROVISION_CHECKS;
        INVENTORY_UNREADABLE = "inventory-unreadable", [], Error,
            "the inventory cannot be read (missing, no permission, over 64 MiB)",
            "Nothing is rendered.";
        INVENTORY_EMPTY = "inventory-empty", [], Error,
            "the inventory has no header row",
            "Nothing is rendered.";
        INVENTORY_CSV = "inventory-csv", [], Error,
            "a line the CSV reader refuses (an unclosed quote, bytes that are not UTF-8)",
            "Nothing is rendered.";
        INVENTORY_COLUMNS = "inventory-columns", [], Error,
            "more columns than provision reads",
            "Nothing is rendered.";
        INVENTORY_ROWS = "inventory-rows", [], Error,
            "more rows than provision reads",
            "Nothing is rendered.";
        INVENTORY_NO_MAC = "inventory-no-mac", [], Error,
            "no `mac` column",
            "Devices are known by their MAC: without it no file can be named.";
        INVENTORY_FIELD_COUNT = "inventory-field-count", [], Error,
            "a row with another number of fields than the header",
            "The values would land in the wrong columns.";
        INVENTORY_TWO_FLEET_ROWS = "inventory-two-fleet-rows", [], Error,
            "more than one `*` row",
            "Which fleet-wide value wins would be a guess.";
        INVENTORY_BAD_MAC = "inventory-bad-mac", [], Error,
            "a `mac` that is not twelve hex digits in a common form",
            "The phone asks for files named by its MAC: a wrong one serves nobody.";
        INVENTORY_DUPLICATE_MAC = "inventory-duplicate-mac", [], Error,
            "the same MAC on two rows",
            "Both rows would write the same files.";
        INVENTORY_NO_MODEL = "inventory-no-model", [], Error,
            "a row without a model (and none in the `*` row)",
            "The model decides which files the phone reads.";
        INVENTORY_UNKNOWN_MODEL = "inventory-unknown-model", [], Error,
            "a model provision does not know",
            "The model decides which files the phone reads.";
        INVENTORY_NO_PROTOCOL = "inventory-no-protocol", [], Error,
            "a row without a protocol (and none in the `*` row)",
            "SIP and SCCP phones read different files.";
        INVENTORY_BAD_PROTOCOL = "inventory-bad-protocol", [], Error,
            "a protocol other than `sip` or `sccp`",
            "SIP and SCCP phones read different files.";
        INVENTORY_PROTOCOL_UNSUPPORTED = "inventory-protocol-unsupported", [], Error,
            "a protocol the model does not run, or one provision does not write for it (SCCP on a 7905G/7912G/ATA)",
            "The phone would never read the files.";
        INVENTORY_DERIVED_COLUMN = "inventory-derived-column", [], Error,
            "a parameter provision derives from a standard column (`line1_password` from `password`)",
            "Two columns would set one value.";
        INVENTORY_NO_SUCH_LINE = "inventory-no-such-line", [], Error,
            "a `lineN_…` column beyond the model's lines",
            "The phone has no such line: the value would be lost.";
        INVENTORY_NO_NUMBER = "inventory-no-number", [], Error,
            "a SIP row without a line 1 number",
            "A SIP phone registers line 1 with it.";
        INVENTORY_COLUMN_IGNORED = "inventory-column-ignored", [], Info,
            "a parameter column that does not apply to a row's model (ignored)",
            "The model's files have no such parameter.";
        INVENTORY_NO_LOAD = "inventory-no-load", [], Warning,
            "rows without a load: no firmware name is written for them",
            "The phones keep the firmware they run.";
        INVENTORY_BAD_VALUE = "inventory-bad-value", [], Error,
            "a value the catalogue refuses (range, enum, length, a quote in a .cnf value, a line break); a secret's value is never quoted",
            "The phone would reject the value or misread it.";
        INVENTORY_EMPTY_COLUMN_NAME = "inventory-empty-column-name", [], Error,
            "a header cell without a name",
            "Its values belong to nothing.";
        INVENTORY_DUPLICATE_COLUMN = "inventory-duplicate-column", [], Error,
            "the same column twice (names compared in any case)",
            "Which value wins would be a guess.";
        INVENTORY_UNKNOWN_COLUMN = "inventory-unknown-column", [], Error,
            "a column that is neither a standard column nor a parameter of any file provision writes (with the nearest name)",
            "A typo'd parameter would silently set nothing.";
        PROVISION_LOAD_INCOMPLETE = "provision-load-incomplete", [], Error,
            "a `load` whose files are not all in the root",
            "The phone would ask for files that are not there and keep its firmware, or loop.";
        PROVISION_NO_OS79XX = "provision-no-os79xx", [], Warning,
            "OS79XX.TXT not written: the 7940/7960 SIP rows share no load",
            "The phones keep the loader they have.";
        PROVISION_ONLY_UNKNOWN = "provision-only-unknown", [], Error,
            "an `--only` MAC that no row has",
            "Nothing would change for it.";
        PROVISION_NOT_A_FILE = "provision-not-a-file", [], Error,
            "a folder, link or device where provision writes a file (even with --force)",
            "A rename cannot replace a folder, and the journal keeps only files' bytes.";
        PROVISION_LEFT_ALONE = "provision-left-alone", [], Info,
            "a file provision wrote, edited since, that no row renders any more: not removed",
            "Hand edits are never removed.";
        PROVISION_RENDER = "provision-render", [], Error,
            "a file that cannot be rendered (the compiler refuses a profile's values)",
            "Nothing is written.";
        IMPORT_NOTE = "import-note", [], Info,
            "`--import`: something the files do not say (a 7940 or a 7960, the model of an XML phone): check the column",
            "The inventory holds a guess there.";
        IMPORT_UNREADABLE = "import-unreadable", [], Warning,
            "`--import`: a device file that cannot be read (over 1 MiB, no permission)",
            "Its device is not in the inventory.";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ids the module's sources write, as string literals.
    fn ids_in_sources() -> Vec<String> {
        let sources = [
            include_str!("mod.rs"),
            include_str!("inventory.rs"),
            include_str!("import.rs"),
            include_str!("loads.rs"),
            include_str!("plan.rs"),
            include_str!("render.rs"),
            include_str!("../cli/provision.rs"),
        ];
        let mut out = Vec::new();
        for s in sources {
            for part in s.split('"').skip(1).step_by(2) {
                let prefixed = ["inventory-", "provision-", "import-"]
                    .iter()
                    .any(|p| part.starts_with(p));
                if prefixed
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                {
                    out.push(part.to_string());
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn every_id_written_is_in_the_catalogue_and_the_docs() {
        let doc = include_str!("../../docs/provision.md");
        let ids = ids_in_sources();
        assert!(ids.len() >= 20, "{ids:?}");
        for id in &ids {
            assert!(
                PROVISION_CHECKS.iter().any(|c| c.id == id),
                "{id} is not in PROVISION_CHECKS"
            );
        }
        for c in PROVISION_CHECKS {
            assert!(ids.iter().any(|i| i == c.id), "{} is never written", c.id);
            assert!(
                doc.contains(&format!("`{}`", c.id)),
                "docs/provision.md lacks {}",
                c.id
            );
        }
    }
}
