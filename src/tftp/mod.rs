//! The TFTP side of a conversion: what the phones asked the server for, and what a live
//! server hands out.
//!
//! - [`log`] reads TFTP server logs (Cisco's TFTP server, tftpd-hpa's `in.tftpd` and
//!   `dnsmasq-tftp` syslog lines, in any mix) into [`log::Transfer`]s;
//! - [`names`] tells from a requested file name what the phone is ([`names::Requested`]);
//! - [`diagnose`] groups transfers into one timeline per client and reports the
//!   conversion guide's traps as [`crate::assist::Finding`]s;
//! - [`client`] is a read-only TFTP client (RFC 1350 with the RFC 2347/2348/2349 options);
//! - [`server`] is a read-only TFTP server answering from a folder or rendered files,
//!   reporting every transfer live in [`log`]'s model;
//! - [`probe`] plays a phone against a server through the [`probe::Transport`] trait, parsing
//!   each file with the project's parsers and following the names they hold.
//!
//! Every finding cites its check in [`CHECKS`] and a rule of `conversion-rules.md`.
pub mod client;
pub mod diagnose;
pub mod log;
pub mod names;
pub mod probe;
pub mod server;

use crate::assist::{Check, Finding, Severity};

/// The checks `tftplog` and `probe` reports, one constant each (`checks::BOOT_LOOP`): findings are built from
/// these, so a misspelt check does not compile.
pub mod checks {
    use crate::finding::catalogue;

    catalogue! {
        /// Every check `tftplog` and `probe` report (documented in `docs/tftp.md`).
        pub const CHECKS;
        IMAGE_STATE_ERROR = "image-state-error", ["R11"], Error,
            "tftplog: the transfer of one image ended in \"State Error\" more than once",
            "Very old SCCP images cannot take a SIP 3.x/4.x image in one step; the phone retries for ever.";
        TRANSFER_FAILED_REPEATEDLY = "transfer-failed-repeatedly", ["R25"], Error,
            "tftplog: the transfer of one file failed more than once (other than \"file not found\")",
            "The phone never gets the file: for an image, \"Protocol Application Invalid\" or the old image stays.";
        REQUESTED_FILE_MISSING = "requested-file-missing", ["R4", "R8", "R9", "R12", "R31"], Error,
            "tftplog: a client asked for a file the server did not have (information for optional files)",
            "The phone carries on without the file: no image, no settings, no lines, or a silent ring.";
        REQUESTED_NAME_CASE = "requested-name-case", ["R8", "R4", "R31"], Error,
            "tftplog --root: a file asked for and not found exists in the folder under another case",
            "TFTP names are case-sensitive: the phone never gets the file.";
        ACCESS_VIOLATION = "access-violation", ["R8"], Error,
            "the server refused a file (access violation): not readable by the server's user, or outside its root",
            "The phone carries on without the file, as if it were missing.";
        BOOT_LOOP = "boot-loop", ["R28", "R25"], Error,
            "tftplog: a client fetched OS79XX.TXT three times or more without getting a configuration file or an image in between",
            "The phone reboots without progress: bad OS79XX.TXT, an image it cannot load, or an unprovisioned phone.";
        LOAD_NOT_IN_ROOT = "load-not-in-root", ["R4", "R10", "R25"], Error,
            "tftplog --root: a load a client asked for, or OS79XX.TXT names, has no file (.loads, .sbn, .bin, .sb2) in the folder",
            "The phone cannot fetch the image: \"Protocol Application Invalid\", or it keeps its old image.";
        TRANSFER_UNFINISHED = "transfer-unfinished", ["R25"], Info,
            "tftplog: the log ends while a transfer is still running",
            "Nothing yet: the outcome is not in the log.";
        PROBE_REQUIRED_FILE = "probe-required-file", ["R4", "R8", "R3", "R12", "R31"], Error,
            "probe: a file the phone needs could not be fetched (not found, access violation, timeout, error)",
            "The phone goes on without it: no image, no settings or no lines.";
        PROBE_OPTIONAL_FILE = "probe-optional-file", ["R9", "R4", "R8", "R31"], Info,
            "probe: an optional file (ring list, ring file, dial plan, per-phone 7905/7912 profile, certificate list) is not on the server",
            "Nothing breaks: the phone uses its built-in defaults.";
        PROBE_UNPARSABLE = "probe-unparsable", ["R28", "R25", "R31"], Error,
            "probe: a fetched file does not parse (OS79XX.TXT, .loads, image_version, loadInformation, gk/ld profile)",
            "The phone cannot learn which image to run: unprovisioned, or \"Protocol Application Invalid\".";
        PROBE_NOTE = "probe-note", ["R28", "R31"], Warning,
            "probe: a fetched file parses with warnings (trailing space, extension in OS79XX.TXT, encrypted profile)",
            "Often harmless; some images trip over it.";
    }
}
pub use checks::CHECKS;

/// The catalogue entry of a check id.
pub fn check_def(id: &str) -> Option<&'static Check> {
    CHECKS.iter().find(|c| c.id == id)
}

/// A finding of a catalogued check: its severity comes from the catalogue unless given; its
/// rule is the check's first.
pub(crate) fn finding(
    check: &Check,
    severity: Option<Severity>,
    file: &str,
    line: Option<usize>,
    message: String,
    fix: String,
) -> Finding {
    let mut f = check
        .finding(message)
        .in_file(file)
        .at_line(line)
        .why(check.why)
        .fix(fix)
        .rule(check.rules.first().copied().unwrap_or_default());
    if let Some(severity) = severity {
        f.severity = severity;
    }
    f
}
