//! The original's command line: `cfgfmt [options] input output`, switches matched by
//! prefix with their values glued on (`-tsip_ptag.dat`, `-eabcd`), in any order.

use std::ffi::OsString;
use std::path::PathBuf;

use super::failure::Failure;
use super::job::{Direction, Job, JobBuilder, Switch, TableSource, read_key_file};
use cfgfmt::crypto::{StrongKey, WeakKey};
use cfgfmt::table::Protocol;

/// What the command line asked for.
#[derive(Debug)]
pub enum Parsed {
    Run(Box<Job>),
    /// Wrong number of files: the usage banner on stdout, exit 1.
    Usage,
    Help,
    ListTables,
    Version,
    Error(Failure),
}

/// The original's usage text, byte for byte (stdout, exit status 1).
pub const USAGE_BANNER: &str = "\
cfgfmt version 2.3
usage: cfgfmt [options] input output
options:
\t-eRc4Passwd -- use Rc4Passwd to encrypt or decrypt input
\t-E -- do not use EncryptKey parameter's value in the input
\t      text file to encrypt the output binary file
\t-xRc4Passwd -- use stronger Rc4Passwd to encrypt or decrypt input,
\t\tRC4Passwd entered must be in hex
\t-X -- do not use EncryptKeyEx parameter's value in the input
\t      text file to encrypt the output binary file
\t-tPtagFile -- specify an alternate PtagFile path
\t-sip -- limit to sip protocol parameters
\t-h323 -- limit to h323 protocol parameters
\t-mgcp -- limit to mgcp procotol parameters
\t-sccp -- limit to sccp protocol parameters
\t-g -- omit sensitive parameters in old ata<mac> file
";

/// One warning line per non-hex character of a command-line key, as the original printed.
fn not_hex_lines(count: usize, what: &'static str, messages: &mut Vec<String>) {
    for _ in 0..count {
        messages.push(
            cfgfmt::diag::Diagnostic::new(cfgfmt::diag::DiagKind::KeyNotHex { what }, None)
                .to_string(),
        );
    }
}

/// A long option's value: `--name=value` or `--name value`.
fn long_value(
    arg: &str,
    name: &'static str,
    rest: &mut impl Iterator<Item = OsString>,
) -> Option<Result<String, Failure>> {
    if arg == name {
        return Some(
            rest.next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or(Failure::MissingValue(name)),
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

/// Parses the original's argument list (without the program name). The lines the original
/// printed while reading its switches (unknown switches, non-hex keys) come back in order,
/// for stderr, whatever the outcome.
pub fn parse(args: Vec<OsString>) -> (Parsed, Vec<String>) {
    let mut messages = Vec::new();
    let parsed = parse_into(args, &mut messages);
    (parsed, messages)
}

fn parse_into(args: Vec<OsString>, messages: &mut Vec<String>) -> Parsed {
    let mut job = JobBuilder::default();
    let mut positionals: Vec<OsString> = Vec::new();
    let mut key_files = KeyFiles::default();
    // A bare `-t`/`-e`/`-x`: its value was given as the next argument, which the original
    // takes for a file.
    let mut detached: Option<String> = None;
    let mut args = args.into_iter();
    while let Some(os) = args.next() {
        let arg = os.to_string_lossy().into_owned();
        if matches!(arg.as_str(), "-t" | "-e" | "-x") && detached.is_none() {
            detached = Some(arg.clone());
        }
        // Only a leading dash makes a switch; a lone `-` is an unknown switch.
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
        match our_option(&arg, &mut args, &mut job, &mut key_files) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(e) => return Parsed::Error(e),
        }
        // The original's switches, tested by prefix in its order: `-verbose` is `-v`,
        // `-sipx` is `-sip`, `-spl` and `-s` are unknown.
        match original_switch(&arg, &os, messages) {
            Ok(Some(switch)) => {
                job.switch(switch);
            }
            // A warning: the original went on. The switch is echoed whole, as typed: no
            // key can be glued to it (`-e…`/`-x…` always match).
            Ok(None) => messages.push(format!("unknown switch {arg}")),
            Err(e) => return Parsed::Error(e),
        }
    }
    if positionals.len() != 2 {
        if let (Some(sw), 3) = (&detached, positionals.len()) {
            let value = positionals
                .first()
                .map(|v| v.to_string_lossy().into_owned())
                .unwrap_or_default();
            let long = match sw.as_str() {
                "-t" => format!(", or our --table {value}"),
                _ => String::new(),
            };
            messages.push(format!(
                "note: cfgfmt reads {sw} with its value in the same argument: write {sw}{value} (no space){long}; as given, {value:?} counts as a third file"
            ));
        }
        return Parsed::Usage;
    }
    let mut files = positionals.into_iter();
    let (Some(input), Some(output)) = (files.next(), files.next()) else {
        return Parsed::Usage;
    };
    if let Err(e) = key_files.read_into(&mut job) {
        return Parsed::Error(e);
    }
    let job = job.build(
        Direction::Auto,
        PathBuf::from(input),
        Some(PathBuf::from(output)),
    );
    Parsed::Run(Box::new(job))
}

/// `--key-file`/`--xkey-file`: read once the command line is known to be complete.
#[derive(Default)]
struct KeyFiles {
    weak: Option<PathBuf>,
    strong: Option<PathBuf>,
}

impl KeyFiles {
    /// A key file wins over `-e`/`-x` wherever it was given.
    fn read_into(self, job: &mut JobBuilder) -> Result<(), Failure> {
        if let Some(path) = self.weak {
            job.switch(Switch::WeakKey(WeakKey::from_text(read_key_file(&path)?)));
        }
        if let Some(path) = self.strong {
            job.switch(Switch::StrongKey(StrongKey::from_text(read_key_file(
                &path,
            )?)));
        }
        Ok(())
    }
}

/// Our additions, all spelled with two dashes so none shadows a switch of the original:
/// `true` when `arg` was one (its value taken from `rest` when detached).
fn our_option(
    arg: &str,
    rest: &mut impl Iterator<Item = OsString>,
    job: &mut JobBuilder,
    key_files: &mut KeyFiles,
) -> Result<bool, Failure> {
    let flag = match arg {
        "--sync" => Some(Switch::Sync),
        "--strict" => Some(Switch::Strict),
        "--force" => Some(Switch::Force),
        "--reencodable" => Some(Switch::Reencodable),
        _ => None,
    };
    if let Some(switch) = flag {
        job.switch(switch);
        return Ok(true);
    }
    let mut matched = false;
    for (name, slot) in [
        ("--key-file", &mut key_files.weak),
        ("--xkey-file", &mut key_files.strong),
    ] {
        if let Some(v) = long_value(arg, name, rest) {
            *slot = Some(PathBuf::from(v?));
            matched = true;
        }
    }
    if let Some(v) = long_value(arg, "--table", rest) {
        job.switch(Switch::Table(TableSource::parse(&v?)?));
        matched = true;
    }
    Ok(matched)
}

/// One of the original's single-dash switches, matched by prefix in its order; `None`
/// for a switch it did not know.
fn original_switch(
    arg: &str,
    os: &OsString,
    messages: &mut Vec<String>,
) -> Result<Option<Switch>, Failure> {
    let switch = if arg.starts_with("-e") {
        let key = WeakKey::from_text(glued_bytes(os));
        not_hex_lines(key.not_hex_count(), "Command Line EncryptKey", messages);
        Switch::WeakKey(key)
    } else if arg.starts_with("-v") {
        Switch::Verbose
    } else if arg.starts_with("-x") {
        let key = StrongKey::from_text(glued_bytes(os));
        not_hex_lines(key.not_hex_count(), "Command Line EncryptKeyEx", messages);
        Switch::StrongKey(key)
    } else if arg.starts_with("-E") {
        Switch::IgnoreProfileKey
    } else if arg.starts_with("-X") {
        Switch::IgnoreProfileKeyEx
    } else if arg.starts_with("-g") {
        Switch::OmitSensitive
    } else if arg.starts_with("-t") {
        Switch::Table(TableSource::parse_bytes(&glued_bytes(os))?)
    } else if arg.starts_with("-split") {
        Switch::Split
    } else if arg.starts_with("-h323") {
        Switch::Protocol(Protocol::H323)
    } else if arg.starts_with("-sip") {
        Switch::Protocol(Protocol::Sip)
    } else if arg.starts_with("-mgcp") {
        Switch::Protocol(Protocol::Mgcp)
    } else if arg.starts_with("-sccp") {
        Switch::Protocol(Protocol::Sccp)
    } else {
        return Ok(None);
    };
    Ok(Some(switch))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cfgfmt::table::context;

    fn p(args: &[&str]) -> Parsed {
        parse(args.iter().map(OsString::from).collect()).0
    }

    fn messages(args: &[&str]) -> Vec<String> {
        parse(args.iter().map(OsString::from).collect()).1
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
        assert_eq!(j.compile.output_name, "gkdefault.cfg");
        assert_eq!(j.compile.protocols.bits(), context::SIP);
        assert_eq!(j.decode.protocols.bits(), context::SIP);
    }

    #[test]
    fn switch_prefixes() {
        let j = job(&[
            "-eabcd", "-x0011", "-verbose", "-E", "-X", "-g", "-split", "-h323", "-mgcp", "-sccp",
            "a", "b",
        ]);
        let c = &j.compile;
        assert_eq!(c.weak_key.as_ref().map(WeakKey::text), Some(&b"abcd"[..]));
        assert_eq!(
            c.strong_key.as_ref().map(StrongKey::text),
            Some(&b"0011"[..])
        );
        assert_eq!(j.decode.weak_key, c.weak_key);
        assert_eq!(j.decode.strong_key, c.strong_key);
        assert!(
            c.verbose
                && j.decode.verbose
                && c.ignore_profile_key
                && c.ignore_profile_key_ex
                && c.omit_sensitive
                && c.force_split
        );
        assert_eq!(
            c.protocols.bits(),
            context::H323 | context::MGCP | context::SCCP
        );
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
        // Issue 19.8: the banner alone does not say why; a note does.
        assert_eq!(
            messages(&["-t", "sip_ptag7912.dat", "a", "b"]),
            [
                "note: cfgfmt reads -t with its value in the same argument: write -tsip_ptag7912.dat (no space), or our --table sip_ptag7912.dat; as given, \"sip_ptag7912.dat\" counts as a third file"
            ]
        );
        assert!(matches!(p(&["a"]), Parsed::Usage));
        assert!(matches!(p(&[]), Parsed::Usage));
    }

    /// Recorded from cfgfmt 2.3: an unknown switch is a warning naming the whole argument,
    /// and the run goes on; `-h`, `-`, `-s`, `-spl` are unknown; `-sipx` is `-sip`.
    #[test]
    fn unknown_switches_warn_and_go_on() {
        for sw in ["-h", "-", "-s", "-spl", "-foo", "--password=hunter2"] {
            let j = job(&[sw, "a", "b"]);
            assert_eq!(j.input, PathBuf::from("a"));
            assert_eq!(messages(&[sw, "a", "b"]), [format!("unknown switch {sw}")]);
        }
        assert_eq!(
            job(&["-sipx", "a", "b"]).compile.protocols.bits(),
            context::SIP
        );
        assert!(job(&["-verbose", "a", "b"]).compile.verbose);
        // Warnings print before the usage banner too.
        let (parsed, m) = parse(vec!["-foo".into()]);
        assert!(matches!(parsed, Parsed::Usage));
        assert_eq!(m, ["unknown switch -foo"]);
    }

    /// Recorded from cfgfmt 2.3: one warning per non-hex character of a command-line key.
    #[test]
    fn non_hex_keys_warn_per_character() {
        let m = messages(&["-ezz12", "-x1g", "a", "b"]);
        let line = |what: &str| {
            format!(
                "WARNING: {what} must all be Hex characters!\n !!! Using non-Hex characters \
                 will reduce the strength of profile encryption !!!"
            )
        };
        assert_eq!(
            m,
            [
                line("Command Line EncryptKey"),
                line("Command Line EncryptKey"),
                line("Command Line EncryptKeyEx")
            ]
        );
    }

    #[test]
    fn usage_banner_is_the_originals() {
        assert!(USAGE_BANNER.starts_with(
            "cfgfmt version 2.3\nusage: cfgfmt [options] input output\noptions:\n\t-eRc4Passwd"
        ));
        assert!(USAGE_BANNER.ends_with("\t-g -- omit sensitive parameters in old ata<mac> file\n"));
        assert_eq!(USAGE_BANNER.lines().count(), 16);
    }
}
