//! The original's command line: `cfgfmt [options] input output`, switches matched by
//! prefix with their values glued on (`-tsip_ptag.dat`, `-eabcd`), in any order.

use std::ffi::OsString;
use std::path::PathBuf;

use super::job::{Job, TableSource, read_key_file};
use crate::table::context;

/// What the command line asked for.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Job>),
    /// Wrong number of files: the usage banner on stdout, exit 1.
    Usage,
    Help,
    ListTables,
    Version,
    Error(String),
}

pub const USAGE_BANNER: &str = "\
cfgfmt version 2.3
usage: cfgfmt [options] input output
options:
\t-tPtagFile -- specify an alternate PtagFile path
\t-sip -- limit to sip protocol parameters
\t-h323 -- limit to h323 protocol parameters
\t-mgcp -- limit to mgcp procotol parameters
\t-sccp -- limit to sccp protocol parameters
\t-g -- omit sensitive parameters in old ata<mac> file
\t-eRc4Passwd -- encrypt (or decrypt) with this hexadecimal key
\t-xRc4Passwd -- also write strong-encrypted <output>.x with this hexadecimal key
\t-E -- do not encrypt with the profile's own EncryptKey
\t-X -- do not use the profile's own EncryptKeyEx
";

/// A long option's value: `--name=value` or `--name value`.
fn long_value(
    arg: &str,
    name: &str,
    rest: &mut impl Iterator<Item = OsString>,
) -> Option<Result<String, String>> {
    if arg == name {
        return Some(
            rest.next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| format!("{name} needs a value")),
        );
    }
    arg.strip_prefix(name)?
        .strip_prefix('=')
        .map(|v| Ok(v.to_string()))
}

/// The value glued to a two-character switch, as the bytes typed (keys are hex text, paths
/// any bytes the file system allows).
fn glued_bytes(arg: &OsString) -> Vec<u8> {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        arg.as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = arg.to_string_lossy().into_owned().into_bytes();
    bytes.get(2..).unwrap_or_default().to_vec()
}

/// What to show of an unknown switch: a value may be glued to it (`-k<key>`), so only a
/// two-dash name up to `=`, or a dash and one letter.
fn switch_name(arg: &str) -> String {
    if arg.starts_with("--") {
        arg.split('=').next().unwrap_or_default().to_string()
    } else {
        arg.chars().take(2).collect()
    }
}

/// Parses the original's argument list (without the program name).
pub fn parse(args: Vec<OsString>) -> Parsed {
    let mut job = Job::default();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut key_file = None;
    let mut xkey_file = None;
    let mut args = args.into_iter();
    while let Some(os) = args.next() {
        let arg = os.to_string_lossy().into_owned();
        if !arg.starts_with('-') {
            positionals.push(os);
            continue;
        }
        // Our additions first: all are spelled with two dashes, so none shadows a switch.
        if arg == "--help" {
            return Parsed::Help;
        }
        if arg == "--version" {
            return Parsed::Version;
        }
        if arg == "--list-tables" {
            return Parsed::ListTables;
        }
        if arg == "--strict" {
            job.strict = true;
            continue;
        }
        if arg == "--reencodable" {
            job.reencodable = true;
            continue;
        }
        let mut matched = false;
        for (name, slot) in [
            ("--key-file", &mut key_file),
            ("--xkey-file", &mut xkey_file),
        ] {
            if let Some(v) = long_value(&arg, name, &mut args) {
                match v {
                    Ok(v) => *slot = Some(PathBuf::from(v)),
                    Err(e) => return Parsed::Error(e),
                }
                matched = true;
            }
        }
        if let Some(v) = long_value(&arg, "--table", &mut args) {
            match v.and_then(|v| TableSource::parse(&v)) {
                Ok(t) => job.table = t,
                Err(e) => return Parsed::Error(e),
            }
            matched = true;
        }
        if matched {
            continue;
        }
        // The original's switches, tested by prefix in its order.
        if arg.starts_with("-e") {
            job.weak_key = Some(glued_bytes(&os));
        } else if arg.starts_with("-x") {
            job.strong_key = Some(glued_bytes(&os));
        } else if arg.starts_with("-v") {
            job.verbose = true;
        } else if arg.starts_with("-E") {
            job.ignore_profile_key = true;
        } else if arg.starts_with("-X") {
            job.ignore_profile_key_ex = true;
        } else if arg.starts_with("-g") {
            job.omit_sensitive = true;
        } else if arg.starts_with("-t") {
            match TableSource::parse_bytes(&glued_bytes(&os)) {
                Ok(t) => job.table = t,
                Err(e) => return Parsed::Error(e),
            }
        } else if arg.starts_with("-split") {
            job.force_split = true;
        } else if arg.starts_with("-h323") {
            job.filter |= context::H323;
        } else if arg.starts_with("-sip") {
            job.filter |= context::SIP;
        } else if arg.starts_with("-mgcp") {
            job.filter |= context::MGCP;
        } else if arg.starts_with("-sccp") {
            job.filter |= context::SCCP;
        } else {
            return Parsed::Error(format!("unknown switch {}", switch_name(&arg)));
        }
    }
    if positionals.len() != 2 {
        return Parsed::Usage;
    }
    let mut files = positionals.into_iter();
    let (Some(input), Some(output)) = (files.next(), files.next()) else {
        return Parsed::Usage;
    };
    for (file, slot) in [
        (key_file, &mut job.weak_key),
        (xkey_file, &mut job.strong_key),
    ] {
        if let Some(path) = file {
            match read_key_file(&path) {
                Ok(key) => *slot = Some(key),
                Err(e) => {
                    return Parsed::Error(e.to_string().trim_start_matches("error: ").to_string());
                }
            }
        }
    }
    job.input = PathBuf::from(&input);
    job.output_name = output.to_string_lossy().into_owned();
    job.output = Some(PathBuf::from(output));
    Parsed::Run(Box::new(job))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(args: &[&str]) -> Parsed {
        parse(args.iter().map(OsString::from).collect())
    }

    fn job(args: &[&str]) -> Job {
        match p(args) {
            Parsed::Run(j) => *j,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn glued_table_and_any_order() {
        let j = job(&["gkdefault.txt", "-tsip_ptag.dat", "gkdefault.cfg", "-sip"]);
        assert_eq!(j.table, TableSource::Path("sip_ptag.dat".into()));
        assert_eq!(j.input, PathBuf::from("gkdefault.txt"));
        assert_eq!(j.output_name, "gkdefault.cfg");
        assert_eq!(j.filter, context::SIP);
    }

    #[test]
    fn switch_prefixes() {
        let j = job(&[
            "-eabcd", "-x0011", "-verbose", "-E", "-X", "-g", "-split", "-h323", "-mgcp", "-sccp",
            "a", "b",
        ]);
        assert_eq!(j.weak_key.as_deref(), Some(&b"abcd"[..]));
        assert_eq!(j.strong_key.as_deref(), Some(&b"0011"[..]));
        assert!(
            j.verbose
                && j.ignore_profile_key
                && j.ignore_profile_key_ex
                && j.omit_sensitive
                && j.force_split
        );
        assert_eq!(j.filter, context::H323 | context::MGCP | context::SCCP);
    }

    #[test]
    fn builtin_tables() {
        let j = job(&["-tbuiltin:7912", "a", "b"]);
        assert!(matches!(j.table, TableSource::Builtin(b) if b.name == "7912"));
        let j = job(&["--table", "builtin:ata", "a", "b"]);
        assert!(matches!(j.table, TableSource::Builtin(b) if b.name == "ata186"));
        assert!(matches!(p(&["-tbuiltin:nope", "a", "b"]), Parsed::Error(_)));
    }

    #[test]
    fn detached_table_value_is_a_third_file() {
        assert!(matches!(p(&["-t", "ptag.dat", "a", "b"]), Parsed::Usage));
        assert!(matches!(p(&["a"]), Parsed::Usage));
        assert!(matches!(p(&[]), Parsed::Usage));
    }

    #[test]
    fn unknown_switch_never_echoes_a_value() {
        match p(&["--password=hunter2", "a", "b"]) {
            Parsed::Error(e) => assert_eq!(e, "unknown switch --password"),
            other => panic!("{other:?}"),
        }
        match p(&["-k00112233445566", "a", "b"]) {
            Parsed::Error(e) => assert_eq!(e, "unknown switch -k"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(p(&["-h", "a", "b"]), Parsed::Error(_)));
        assert!(matches!(p(&["-", "a", "b"]), Parsed::Error(_)));
    }
}
