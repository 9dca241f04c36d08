//! `cfgfmt-rs provision`: arguments and printing; the work is in [`cfgfmt::provision`].

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;

use cfgfmt::device::Mac;
use cfgfmt::finding::{Finding, Severity};
use cfgfmt::io::Durability;
use cfgfmt::provision::plan::{Action, Plan, PlanOptions};
use cfgfmt::provision::{Inventory, import, journal, plan};

const AFTER_HELP: &str = "\
Without --apply nothing is written: the dry run prints, per file, what would be created,
replaced (parameter by parameter) or removed; files already as rendered are counted.
Passwords never appear: a changed one shows as `changed (secret)`.

The inventory is a CSV with a header: mac, model, protocol, number, auth_name, password,
display_name, label, proxy, proxy_port, load, timezone (IANA, e.g. Europe/Paris), ntp,
line2_number… and any parameter of the device's file (nat_enable, natEnabled, CallWaiting).
A row whose mac is `*` holds fleet-wide values: every device without its own value takes
them, and the shared files (SIPDefault.cnf, XMLDefault.cnf.xml, gkdefault.cfg) hold them.

Examples:
  cfgfmt-rs provision fleet.csv --root /srv/tftp              dry run
  cfgfmt-rs provision fleet.csv --root /srv/tftp --apply      write, with an undo journal
  cfgfmt-rs provision --root /srv/tftp --undo                 put back what the last apply replaced
  cfgfmt-rs provision fleet.csv --root /srv/tftp --only 0014F28DD38A --apply
  cfgfmt-rs provision fleet.csv --root /srv/tftp --explain 0014F28DD38A proxy
  cfgfmt-rs provision --import /srv/tftp --out fleet.csv      an inventory from existing files

Exit status: 0 done (or nothing to do), 1 inventory errors, a missing load, a refused
apply or undo, 2 usage.";

#[derive(Args, Debug)]
#[command(after_help = AFTER_HELP)]
pub struct ProvisionArgs {
    /// The inventory CSV (one row per device; `*` in the mac column: fleet-wide values).
    inventory: Option<PathBuf>,
    /// The TFTP root the files go to.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Write the changed files (atomically, with an undo journal in DIR/.cfgfmt-provision).
    #[arg(long)]
    apply: bool,
    /// Replace files provision did not write (or that were edited since); the journal keeps
    /// them for --undo. With --undo: undo even files changed since the apply. With --import:
    /// replace an existing --out file.
    #[arg(long)]
    force: bool,
    /// Change only these devices' files (MACs, comma-separated, any form).
    #[arg(long, value_name = "MAC[,MAC…]", value_delimiter = ',')]
    only: Vec<String>,
    /// With --only: also change the shared files (they reach every phone of their kind).
    #[arg(long)]
    global: bool,
    /// Restore exactly what the last apply replaced and remove what it created.
    #[arg(long, conflicts_with_all = ["apply", "import", "explain"])]
    undo: bool,
    /// Finish (or drop) an apply that was interrupted, then stop.
    #[arg(long)]
    recover: bool,
    /// Read an existing root into an inventory (written to --out) and report its findings.
    #[arg(long, value_name = "ROOT", conflicts_with_all = ["apply", "root"])]
    import: Option<PathBuf>,
    /// Where --import writes the inventory (owner-only: it holds passwords).
    #[arg(long, value_name = "CSV", requires = "import")]
    out: Option<PathBuf>,
    /// Where a device's value of KEY (a column or a parameter) comes from.
    #[arg(long, num_args = 2, value_names = ["MAC", "KEY"])]
    explain: Vec<String>,
    /// One JSON document on stdout.
    #[arg(long)]
    json: bool,
    /// Wait until the files are on the disk before exiting (for a power cut right after).
    #[arg(long)]
    sync: bool,
}

fn usage(msg: &str) -> i32 {
    eprintln!("error: {msg}\n\nFor more information, try 'cfgfmt-rs provision --help'.");
    2
}

fn print_findings(findings: &[Finding]) {
    for f in findings {
        let place = f.place();
        let sep = if place.is_empty() { "" } else { ": " };
        eprintln!("{}: {place}{sep}{}", f.severity, f.message);
    }
}

pub fn run(a: &ProvisionArgs) -> i32 {
    if let Some(src) = &a.import {
        return run_import(a, src);
    }
    let Some(root) = &a.root else {
        return usage("--root DIR is required (the TFTP root)");
    };
    let durability = if a.sync {
        Durability::Flush
    } else {
        Durability::Rename
    };
    if a.recover {
        let found = journal::recover(root);
        if a.json
            && let Ok(found) = &found
        {
            let interrupted = found
                .as_ref()
                .map(|(what, forward)| serde_json::json!({ "what": what, "finished": forward }));
            println!(
                "{}",
                serde_json::json!({ "root": root.display().to_string(), "interrupted": interrupted })
            );
            return 0;
        }
        return match found {
            Ok(None) => {
                println!("{}: no interrupted apply", root.display());
                0
            }
            Ok(Some((what, forward))) => {
                let how = if forward {
                    "finished"
                } else {
                    "dropped (nothing had been written)"
                };
                println!("{}: interrupted {what} {how}", root.display());
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                1
            }
        };
    }
    if a.undo {
        return run_undo(a, root, durability);
    }
    let Some(path) = &a.inventory else {
        return usage("an INVENTORY csv is required (or --undo, --recover, --import)");
    };
    if a.global && a.only.is_empty() {
        return usage("--global goes with --only (without --only every file is included)");
    }
    let inv = match Inventory::load(path) {
        Ok(inv) => inv,
        Err(e) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::json!({ "inventory": e.path, "findings": e.findings })
                );
            }
            print_findings(&e.findings);
            eprintln!(
                "error: {}: the inventory has errors; nothing written",
                e.path
            );
            return 1;
        }
    };
    if a.explain.len() == 2 {
        return run_explain(a, &inv);
    }
    let mut only = None;
    if !a.only.is_empty() {
        let mut set = BTreeSet::new();
        for m in &a.only {
            match Mac::parse(m) {
                Ok(m) => {
                    set.insert(m);
                }
                Err(e) => return usage(&format!("--only: {e}")),
            }
        }
        only = Some(set);
    }
    if journal::pending(root) && !a.apply {
        eprintln!(
            "error: an interrupted apply is pending in {0}; `cfgfmt-rs provision --root {0} --recover` finishes it",
            root.display()
        );
        return 1;
    }
    if a.apply
        && let Err(e) = journal::recover(root)
    {
        eprintln!("error: {e}");
        return 1;
    }
    let rendered = match inv.render() {
        Ok(r) => r,
        Err(e) => {
            print_findings(&e.findings);
            eprintln!(
                "error: {}: files could not be rendered; nothing written",
                inv.path
            );
            return 1;
        }
    };
    let opts = PlanOptions {
        only,
        global: a.global,
        force: a.force,
    };
    let plan = match plan::plan(&inv, &rendered, root, &opts) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&plan).unwrap_or_default()
        );
    } else {
        print!("{}", render_plan(&plan, a.apply));
    }
    print_findings(&plan.findings);
    if plan.blocked() {
        if !plan.refused.is_empty() {
            eprintln!(
                "error: refused: {} file(s) provision did not write (or that were edited since) would be replaced: {}; \
                 change the inventory, or add --force (the journal keeps them for --undo)",
                plan.refused.len(),
                plan.refused.join(", ")
            );
        }
        if plan.findings.iter().any(|f| f.severity == Severity::Error) {
            eprintln!("error: the inventory has errors (above): nothing written");
        }
        return 1;
    }
    if !a.apply {
        return 0;
    }
    match journal::apply(&plan, root, durability) {
        Ok(done) if !a.json => {
            if done.written.is_empty() && done.removed.is_empty() {
                println!("Nothing to write.");
            } else {
                println!(
                    "Applied: {} written, {} removed. `cfgfmt-rs provision --root {} --undo` puts them back.",
                    done.written.len(),
                    done.removed.len(),
                    root.display()
                );
            }
            0
        }
        Ok(_) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// The dry run (or apply) report.
pub fn render_plan(p: &Plan, apply: bool) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({} devices) -> {}", p.inventory, p.devices, p.root);
    for c in &p.changes {
        let verb = match c.action {
            Action::Create => "create ",
            Action::Replace => "replace",
            Action::Remove => "remove ",
        };
        let mut notes = Vec::new();
        if c.shared {
            // Under --only --global: how many phones beyond the selection it reaches.
            let beyond = if c.others > 0 {
                format!(", {} outside --only", c.others)
            } else {
                String::new()
            };
            notes.push(format!(
                "shared: {} phone{}{beyond}",
                c.devices,
                if c.devices == 1 { "" } else { "s" }
            ));
        }
        if c.action == Action::Create {
            notes.push(format!(
                "{} parameter{}",
                c.parameters,
                if c.parameters == 1 { "" } else { "s" }
            ));
        }
        if c.foreign {
            notes.push("not written by provision".into());
        }
        let notes = if notes.is_empty() {
            String::new()
        } else {
            format!(" ({})", notes.join(", "))
        };
        let _ = writeln!(out, "  {verb} {}{notes}", c.name);
        for ch in &c.changes {
            let _ = writeln!(out, "            {ch}");
        }
        if c.action == Action::Replace && c.changes.is_empty() {
            let _ = writeln!(out, "            (bytes differ)");
        }
    }
    for c in &p.held_back {
        let _ = writeln!(
            out,
            "  held back: {} would change and reaches {} other phone{}; add --global to include it",
            c.name,
            c.others,
            if c.others == 1 { "" } else { "s" }
        );
    }
    let _ = write!(
        out,
        "{} file{} to change, {} unchanged.",
        p.changes.len(),
        if p.changes.len() == 1 { "" } else { "s" },
        p.unchanged
    );
    if !apply {
        out.push_str(" Dry run: nothing written (--apply writes).");
    }
    out.push('\n');
    out
}

fn run_undo(a: &ProvisionArgs, root: &Path, durability: Durability) -> i32 {
    match journal::undo(root, a.force, durability) {
        Ok(Ok(done)) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&done).unwrap_or_default()
                );
            } else {
                println!(
                    "Undone: {} restored, {} removed.",
                    done.written.len(),
                    done.removed.len()
                );
                for n in &done.written {
                    println!("  restore {n}");
                }
                for n in &done.removed {
                    println!("  remove  {n}");
                }
            }
            0
        }
        Ok(Err(p)) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::json!({ "refused": true, "changed-since": p.changed_since })
                );
            }
            eprintln!(
                "error: refused: changed since the last apply: {}; --force undoes anyway",
                p.changed_since.join(", ")
            );
            1
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

fn run_explain(a: &ProvisionArgs, inv: &Inventory) -> i32 {
    // clap takes exactly two values for --explain.
    let [mac, key] = a.explain.as_slice() else {
        return usage("--explain takes a MAC and a parameter name");
    };
    let mac = match Mac::parse(mac) {
        Ok(m) => m,
        Err(e) => return usage(&format!("--explain: {e}")),
    };
    let Some(dev) = inv.device(&mac) else {
        eprintln!("error: {}: no device {mac}", inv.path);
        return 1;
    };
    let placed = match inv.explain(&mac, key) {
        Ok(p) => p,
        Err(e) => {
            print_findings(&e.findings);
            return 1;
        }
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&placed).unwrap_or_default()
        );
        return 0;
    }
    if placed.is_empty() {
        println!(
            "{mac} ({} {}): no file of it holds {key:?}",
            dev.model, dev.protocol
        );
        return 0;
    }
    println!("{mac} ({} {}), {key}:", dev.model, dev.protocol);
    for p in placed {
        println!("  {} {} = {:?}  from {}", p.file, p.key, p.value, p.source);
    }
    0
}

fn run_import(a: &ProvisionArgs, src: &Path) -> i32 {
    let Some(out) = &a.out else {
        return usage(
            "--import needs --out CSV (the inventory holds passwords: it is not printed)",
        );
    };
    // The file named is often the admin's own inventory: never replace it unasked.
    if !a.force && std::fs::symlink_metadata(out).is_ok() {
        eprintln!(
            "error: {} exists: --import does not replace it (it may be your inventory); \
             name another file, or add --force",
            out.display()
        );
        return 1;
    }
    let imported = match import::import(src) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    if let Err(e) =
        cfgfmt::io::write_private_atomic(out, imported.csv.as_bytes(), Durability::Rename)
    {
        eprintln!("{}{e}", e.lead());
        return 1;
    }
    if a.json {
        println!(
            "{}",
            serde_json::json!({ "devices": imported.devices, "out": out.display().to_string(), "findings": imported.findings })
        );
    } else {
        println!(
            "{}: {} device{} written to {}",
            src.display(),
            imported.devices,
            if imported.devices == 1 { "" } else { "s" },
            out.display()
        );
        print!(
            "{}",
            cfgfmt::assist::render_findings(&src.display().to_string(), &imported.findings)
        );
    }
    0
}
