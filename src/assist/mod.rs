//! Conversion assistant for Cisco's SCCP ↔ SIP guide (`conversion-rules.md`, rules R1…R32):
//! [`doctor`] reads a TFTP root and reports the guide's traps, [`plan`] prints the ordered
//! steps of a conversion, [`upgradecode`] writes the 7905G/7912G/ATA `upgradecode:` line.
//!
//! Every finding and every plan step cites the rule it comes from; [`CHECKS`] is the
//! catalogue the documentation table (the README) is checked against.
pub mod doctor;
pub mod plan;
pub mod upgradecode;

use serde::Serialize;
use std::fmt::Write as _;

pub use crate::finding::{Finding, Location, Severity};

/// A check of the catalogue: id, the rules it implements, its severity and what it looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct CheckDef {
    pub id: &'static str,
    pub rules: &'static [&'static str],
    pub severity: Severity,
    /// What the check looks for (one line, for the documentation table).
    pub title: &'static str,
    /// The symptom on the phone.
    pub why: &'static str,
    /// Whether the fact behind it is inferred rather than stated by Cisco.
    pub inferred: bool,
}

/// One catalogue entry; shared with the TFTP checks (`crate::tftp::CHECKS`).
macro_rules! check {
    ($id:literal, [$($r:literal),+], $sev:ident, $title:literal, $why:literal) => {
        CheckDef { id: $id, rules: &[$($r),+], severity: Severity::$sev, title: $title, why: $why, inferred: false }
    };
    ($id:literal, [$($r:literal),+], $sev:ident, $title:literal, $why:literal, inferred) => {
        CheckDef { id: $id, rules: &[$($r),+], severity: Severity::$sev, title: $title, why: $why, inferred: true }
    };
}
pub(crate) use check;

/// Every check `doctor` runs.
pub const CHECKS: &[CheckDef] = &[
    check!(
        "file-name-case",
        ["R4", "R8", "R9", "R31"],
        Error,
        "a file the phone asks for by a fixed name (OS79XX.TXT, SIPDefault.cnf, RINGLIST.DAT, gkdefault.cfg, lddefault.cfg, XMLDefault.cnf.xml) exists only in another case",
        "TFTP names are case-sensitive: the phone asks for the exact name, gets \"file not found\" and carries on without it."
    ),
    check!(
        "os79xx-missing",
        ["R3", "R10", "R14"],
        Warning,
        "SIP configuration files are present but OS79XX.TXT is not",
        "A 7940/7960 fetches OS79XX.TXT first to learn which protocol image to run; without it an SCCP phone is never told to switch to SIP."
    ),
    check!(
        "os79xx-unreadable",
        ["R28"],
        Error,
        "OS79XX.TXT is empty or not text",
        "The phone cannot read an image name from it and goes \"unprovisioned\"."
    ),
    check!(
        "os79xx-has-bin-suffix",
        ["R4", "R23", "R28"],
        Error,
        "OS79XX.TXT names the image with an extension (.bin, .sbn, .loads, .sb2)",
        "The phone expects the bare name and adds the extension itself; with one already there it asks for a file that does not exist: \"Protocol Application Invalid\" or an unprovisioned phone."
    ),
    check!(
        "os79xx-extra-content",
        ["R25", "R28"],
        Error,
        "OS79XX.TXT holds more than the bare image name (other lines, leading or inner whitespace)",
        "The phone takes the whole content as the name, asks for a file that does not exist and shows \"Protocol Application Invalid\" or goes unprovisioned."
    ),
    check!(
        "os79xx-trailing-space",
        ["R28"],
        Info,
        "OS79XX.TXT has whitespace after the name (Cisco's own SIP 8.12 file has one space)",
        "Harmless on current images; bug CSCdv19260 made some old images ask for the name with the space appended."
    ),
    check!(
        "os79xx-unknown-name",
        ["R5", "R28"],
        Error,
        "OS79XX.TXT holds something that is not a load name (wrong characters, wrong case)",
        "The phone asks for a file that does not exist and goes \"unprovisioned\"."
    ),
    check!(
        "os79xx-wrong-form",
        ["R5", "R28"],
        Error,
        "the load name has the wrong form for its version: SIP ≤ 2.3 must be P0S3xxyy, SIP ≥ 3.0 P0S3-xx-y-zz",
        "No such file exists under that form; the phone goes \"unprovisioned\"."
    ),
    check!(
        "os79xx-not-7940",
        ["R5"],
        Error,
        "OS79XX.TXT names a load of another phone family (not P0?3)",
        "Only 7940/7960 phones read OS79XX.TXT; the image named is not for them and cannot be loaded."
    ),
    check!(
        "os79xx-image-missing",
        ["R4", "R10", "R25"],
        Error,
        "the image OS79XX.TXT names is not in the TFTP root (no <name>.bin, .sbn or .loads)",
        "The phone cannot fetch the image: \"Protocol Application Invalid\", or it keeps its old image."
    ),
    check!(
        "os79xx-names-load-not-loader",
        ["R6"],
        Warning,
        "OS79XX.TXT names a load whose .loads lists a differently named loader; the release's OS79XX.TXT names the loader",
        "From SIP 7.x on the release's OS79XX.TXT always names the universal loader; a phone coming from an older image asks for <name>.sbn/.bin, which the release does not contain.",
        inferred
    ),
    check!(
        "loads-unreadable",
        ["R6", "R25"],
        Error,
        "a .loads manifest does not parse: neither the 7940/7960 form (signed header, loader / application / LA_VERSION lines) nor a newer phone's file list",
        "The phone cannot learn which loader and application to fetch: \"Protocol Application Invalid\"."
    ),
    check!(
        "loads-file-missing",
        ["R6", "R25", "R29"],
        Error,
        "a file a .loads manifest names (the .sbn loader or the .sb2 application) is not in the TFTP root",
        "The loader cannot fetch the application: \"Protocol Application Invalid\" (the zip was not unpacked into the TFTP root, or files were copied by hand)."
    ),
    check!(
        "loads-list-file-missing",
        ["R29"],
        Warning,
        "a file a 79x1/69xx/78xx/7921G/7925G manifest (.loads) lists is not in the TFTP root",
        "A phone of that family told to load this manifest (by its configuration, or term*.default.loads) cannot fetch the file and stays on its image; doctor checks these families' files by name only, a folder may keep manifests of loads it does not serve."
    ),
    check!(
        "loads-bin-missing",
        ["R6"],
        Info,
        "the unsigned loader (.bin) beside a .loads is missing",
        "Phones running images older than 5.x need the unsigned .bin loader to upgrade; signed-era phones use the .sbn."
    ),
    check!(
        "image-damaged",
        ["R26", "R25"],
        Error,
        "an image a configuration names does not parse: bad signed header, or a kup1 package with a bad checksum or region",
        "The phone rejects it: \"Image Authentication Failed\" or \"Protocol Application Invalid\"."
    ),
    check!(
        "image-renamed",
        ["R29"],
        Warning,
        "a signed image's embedded file name differs from its file name (renamed by hand)",
        "The signed header names the file it was made for; a renamed image is likely rejected (Cisco: unpack images from the release zip, do not rename or copy them by hand).",
        inferred
    ),
    check!(
        "image-version-missing-file",
        ["R12", "R19", "R25"],
        Error,
        "an image_version line names a load that is not in the TFTP root",
        "The phone tries to fetch the configured image, fails, and shows \"Protocol Application Invalid\" or stays on its old image."
    ),
    check!(
        "image-version-syntax",
        ["R25", "R5"],
        Error,
        "an image_version value is not a bare load name (extension, spaces inside the quotes, unterminated quote, unknown or wrong form)",
        "The phone asks for a file that does not exist: \"Protocol Application Invalid\"."
    ),
    check!(
        "load-information-missing-file",
        ["R12", "R19"],
        Error,
        "a loadInformation element names a 7940/7960 or 7905/7912 load that is not in the TFTP root",
        "The SCCP phone cannot fetch the configured load and keeps its image (or shows \"Protocol Application Invalid\")."
    ),
    check!(
        "sipdefault-missing",
        ["R3", "R10"],
        Warning,
        "OS79XX.TXT names a SIP image but SIPDefault.cnf is missing",
        "After switching to SIP the phone fetches SIPDefault.cnf for its settings and image_version; without it the phone has no SIP settings."
    ),
    check!(
        "sipdefault-too-large-for-sip2",
        ["R23"],
        Warning,
        "a SIP 2.x image is named and SIPDefault.cnf is over 4096 bytes (threshold inferred)",
        "SIP 2.x phones fail with \"W210 TFTP Error: buffer full\" on a large SIPDefault.cnf.",
        inferred
    ),
    check!(
        "sip-mac-cnf-case",
        ["R8"],
        Error,
        "a SIP<MAC>.cnf file whose prefix or MAC is not upper case, or whose .cnf is not lower case",
        "The phone asks for SIP<MAC in upper case>.cnf; a differently cased file is never found and the phone has no lines."
    ),
    check!(
        "not-world-readable",
        ["R8"],
        Warning,
        "a file the phones fetch is not readable by other users",
        "TFTP servers usually run as their own user; a file only its owner can read is refused (\"access violation\") and the phone carries on without it.",
        inferred
    ),
    check!(
        "both-protocol-configs",
        ["R12", "R1"],
        Warning,
        "SIP (SIPDefault.cnf, SIP<MAC>.cnf) and SCCP (XMLDefault.cnf.xml, SEP<MAC>.cnf.xml) configuration files are present at once; an XML file of a SIP phone (<sipProfile>, or naming SIP loads only) is not SCCP configuration",
        "The guide says to remove the other protocol's configuration when converting; with both present the phone may pick up the configuration (and image) of the protocol you are leaving (symptom inferred)."
    ),
    check!(
        "no-load-specified",
        ["R27"],
        Warning,
        "7940/7960 configuration files are present but nothing names an image (no OS79XX.TXT, image_version or loadInformation)",
        "A phone with no image in flash shows \"No Load Specified\"."
    ),
    check!(
        "ringlist-file-missing",
        ["R9"],
        Error,
        "a ring file RINGLIST.DAT lists is not in the TFTP root",
        "The phone offers the ring but cannot download it: the ring is silent or the download fails."
    ),
    check!(
        "gkdefault-missing",
        ["R31"],
        Error,
        "gkdefault.txt (or lddefault.txt) is present but not compiled, or a 7905G/7912G SIP image is present with no profile for it",
        "7912G phones fetch gk<mac> then gkdefault.cfg (7905G: ld<mac>, lddefault.cfg); without one they get no settings and no upgradecode."
    ),
    check!(
        "gk-mac-case",
        ["R31"],
        Error,
        "a gk<MAC> / ld<MAC> profile whose prefix or MAC is not lower case",
        "The phone asks for gk<mac> with the MAC in lower case; a differently cased file is never found and the phone falls back to gkdefault.cfg."
    ),
    check!(
        "gk-profile-undecodable",
        ["R31"],
        Error,
        "a gkdefault.cfg / gk<MAC> / lddefault.cfg / ld<MAC> profile is damaged (bad header checksum or length, broken records)",
        "The phone rejects the profile and keeps its old settings (and does not upgrade)."
    ),
    check!(
        "gk-profile-text",
        ["R31"],
        Error,
        "a gkdefault.cfg / gk<MAC> / lddefault.cfg / ld<MAC> holds plain text: neither a compiled profile (#ata) nor a text profile (#txt)",
        "The phone reads only compiled profiles: it rejects the file and keeps its old settings (and does not upgrade)."
    ),
    check!(
        "gk-profile-encrypted",
        ["R31"],
        Warning,
        "a profile does not start with #ata: encrypted with a key doctor does not have, or not a profile",
        "doctor cannot check it; if it is not an encrypted profile the phone rejects it."
    ),
    check!(
        "gkdefault-txt-invalid",
        ["R31", "R32"],
        Error,
        "gkdefault.txt (or lddefault.txt) does not compile cleanly: errors such as a bad upgradecode line, which the compiler skips",
        "The compiled profile silently lacks the lines that failed (an upgradecode line that fails leaves the phone on its old image)."
    ),
    check!(
        "gkdefault-stale",
        ["R31"],
        Warning,
        "gkdefault.cfg (or lddefault.cfg) is not what its gkdefault.txt compiles to (or, when it cannot be compiled here, is older than it)",
        "The phone downloads gkdefault.cfg, not the text: changes made to gkdefault.txt since the last compile do not reach it."
    ),
    check!(
        "upgradecode-fields",
        ["R32"],
        Error,
        "an upgradecode record's fixed fields are not the guide's: type 3, 0x0400, 0x0100 (7905/7912) or 0x0200 (ATA), port 69, a known platform",
        "The phone ignores an upgradecode it does not accept and stays on its old image (symptom inferred)."
    ),
    check!(
        "upgradecode-image-missing",
        ["R18", "R32"],
        Error,
        "the image an upgradecode record names is not in the TFTP root",
        "The phone tries to download the image, fails, and keeps its old image."
    ),
    check!(
        "upgradecode-date-mismatch",
        ["R18", "R32"],
        Error,
        "an upgradecode record's date code is not the one in its image's name (yymmdd + build letter)",
        "The phone compares the date code with its own image (symptom inferred): a wrong code makes it skip the upgrade, or download the image at every boot."
    ),
    check!(
        "upgradecode-platform-mismatch",
        ["R32"],
        Error,
        "an upgradecode record's platform is not the image's (kup1 header, or the model in its name), or the image is for the other model of the profile (gk = 7912G, ld = 7905G)",
        "The phone ignores an upgrade for another platform and stays on its old image (symptom inferred)."
    ),
    check!(
        "entry-skipped",
        ["R4"],
        Info,
        "a folder entry doctor did not read: a symlink leading out of the folder, a file over 64 MiB, or entries past the first 10000",
        "Nothing on the phone; doctor could not check that file."
    ),
];

/// The catalogue entry of a check id.
pub fn check_def(id: &str) -> Option<&'static CheckDef> {
    CHECKS.iter().find(|c| c.id == id)
}

/// Rules covered by `plan` steps and notes rather than by a folder check, with where.
pub const PLAN_RULES: &[(&str, &str)] = &[
    (
        "R1",
        "A protocol change is an image change (every path ends with the target image named)",
    ),
    (
        "R2",
        "Note: DHCP option 66 (SIP) / 150 (SCCP) when the protocol changes",
    ),
    ("R3", "Step of R10: the files fetched, in boot order"),
    (
        "R7",
        "Refuses any path below 5.0 from 5.0 or later; no intermediate stage goes below 5.0 either",
    ),
    (
        "R10",
        "Step `os79xx-image` (SCCP ≤ 4.x → SIP ≤ 6.x, SCCP 5.x → SIP 5.x/6.x)",
    ),
    (
        "R11",
        "Note on R10 steps to SIP 3.x/4.x: go through SIP 2.3 if the transfer ends in \"State Error\"",
    ),
    ("R12", "Step `config-image` (SCCP ≤ 5.x → SIP ≥ 7.x)"),
    (
        "R13",
        "Step `release-zip` (SCCP ≥ 6.x ↔ SIP ≥ 7.x, and the second stage of R17)",
    ),
    ("R14", "Step `os79xx-image` towards SCCP"),
    (
        "R15",
        "plan: SIP ≤ 3.x → SCCP ≥ 5.x goes through the latest SCCP 4.x, then 5.x",
    ),
    ("R16", "Step `os79xx-image` (SIP ≤ 4.x → SCCP ≤ 5.x)"),
    (
        "R17",
        "plan: SIP ≤ 4.x → SCCP ≥ 6.x goes through SCCP 6.3 (`os79xx-image` naming it in OS79XX.TXT and the SCCP configuration), then `release-zip`",
    ),
    (
        "R18",
        "Step `gkdefault-upgradecode` (SIP 5.x/6.x → SCCP): the edited upgradecode line and the compile command",
    ),
    (
        "R19",
        "Step `config-image` (SIP ≥ 7.x → SCCP): the image_version line naming the SCCP load",
    ),
    (
        "R20",
        "Note on UAL-era conversions: CallManager 5.x/6.x Bulk Administration",
    ),
    (
        "R21",
        "Note: convert one phone through an alternate TFTP server",
    ),
    (
        "R22",
        "Note on SCCP targets: the installer does not edit OS79XX.TXT",
    ),
    (
        "R23",
        "Note on SIP 2.x targets: SIPDefault.cnf holding only image_version",
    ),
    (
        "R24",
        "plan: SIP ≤ 2.1 → SCCP first upgrades SIP to 2.3 (or rename the SCCP load to an 8.3 name)",
    ),
    (
        "R25",
        "Troubleshooting list: \"Protocol Application Invalid\"",
    ),
    (
        "R26",
        "Troubleshooting list: \"Image Authentication Failed\"",
    ),
    ("R27", "Troubleshooting list: \"No Load Specified\""),
    ("R28", "Troubleshooting list: unprovisioned phone"),
    (
        "R29",
        "Step `release-zip`: unpack the release zip, do not copy images by hand",
    ),
    (
        "R30",
        "Troubleshooting list: convert to the newest firmware first",
    ),
    (
        "R31",
        "Step `gkdefault-upgradecode` (7905G/7912G): compile, and copy to gk<mac> for one phone",
    ),
    (
        "R32",
        "Step `gkdefault-upgradecode`: the eight upgradecode fields; `cfgfmt-rs upgradecode`",
    ),
];

/// Human form: one block per finding, then a summary line.
pub fn render_findings(root: &str, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        // lint's findings (run by doctor) cite no rule of the guide.
        let rule = if f.rule.is_empty() {
            String::new()
        } else {
            format!(" ({})", f.rule)
        };
        let _ = writeln!(out, "{}[{}] {}{rule}", f.severity, f.code, f.place());
        let _ = writeln!(out, "  what: {}", f.message);
        let _ = writeln!(out, "  why:  {}", f.why);
        let _ = writeln!(out, "  fix:  {}", f.fix);
        out.push('\n');
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    if findings.is_empty() {
        let _ = writeln!(out, "{root}: no findings");
    } else {
        let _ = writeln!(
            out,
            "{root}: {} finding{}: {} error{}, {} warning{}, {} info",
            findings.len(),
            plural(findings.len()),
            count(Severity::Error),
            plural(count(Severity::Error)),
            count(Severity::Warning),
            plural(count(Severity::Warning)),
            count(Severity::Info),
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The documentation table: every rule of `conversion-rules.md` with the checks and plan
/// steps that implement it (the README holds this text; a test keeps them equal).
pub fn rules_table() -> String {
    let mut out = String::from(
        "| rule | check / plan step | severity | what it reports |\n| --- | --- | --- | --- |\n",
    );
    // Markdown would take `<MAC>` for an HTML tag.
    let esc = |s: &str| s.replace('<', "&lt;").replace('>', "&gt;");
    for n in 1..=32 {
        let rule = format!("R{n}");
        for c in CHECKS.iter().filter(|c| c.rules.contains(&rule.as_str())) {
            let mark = if c.inferred { " (inferred)" } else { "" };
            let _ = writeln!(
                out,
                "| {rule} | `{}` | {} | {}{mark} |",
                c.id,
                c.severity,
                esc(c.title)
            );
        }
        for (_, text) in PLAN_RULES.iter().filter(|(r, _)| *r == rule) {
            let _ = writeln!(out, "| {rule} | plan | — | {} |", esc(text));
        }
    }
    out
}
