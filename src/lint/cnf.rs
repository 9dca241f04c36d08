//! 7940/7960 SIP `.cnf` files: `name: value` lines, `#` comments, values optionally in
//! double quotes, anything after `;` ignored (Cisco's sample and CME rely on it).
use std::collections::HashMap;

use super::checks;
use super::{check_name_value, finding};
use crate::catalogue::{Catalogue, Scope};
use crate::device::ConfigKind;
use crate::finding::Finding;

/// One line as the phone reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line<'a> {
    Blank,
    Entry {
        name: &'a str,
        value: &'a str,
    },
    /// Why the line cannot be read, and the likely intended `name: value`.
    Syntax(String),
}

fn valid_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(crate) fn parse_line(raw: &str) -> Line<'_> {
    let t = raw.trim();
    if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
        return Line::Blank;
    }
    let Some((name, rest)) = t.split_once(':') else {
        return match t.split_once('=') {
            Some((n, _)) if valid_name(n.trim()) => Line::Syntax(format!(
                "\"{}\" uses '=': the phone reads \"name: value\" lines",
                n.trim()
            )),
            _ => Line::Syntax("no ':' between a name and a value".into()),
        };
    };
    let name = name.trim();
    if let Some((n, _)) = name.split_once('=').filter(|(n, _)| valid_name(n.trim())) {
        return Line::Syntax(format!(
            "\"{}\" uses '=': the phone reads \"name: value\" lines",
            n.trim()
        ));
    }
    if !valid_name(name) {
        return Line::Syntax(format!(
            "\"{}\" is not a parameter name (letters, digits and '_' only)",
            name.escape_debug()
        ));
    }
    let rest = rest.trim_start();
    let value = if let Some(q) = rest.strip_prefix('"') {
        let Some((inside, after)) = q.split_once('"') else {
            return Line::Syntax(format!("the value of {name} has no closing '\"'"));
        };
        let after = after.trim();
        if !(after.is_empty() || after.starts_with(';') || after.starts_with('#')) {
            return Line::Syntax(format!(
                "text after the closing quote of {name}'s value (a comment starts with ';')"
            ));
        }
        inside
    } else {
        rest.split(';').next().unwrap_or_default().trim()
    };
    Line::Entry { name, value }
}

pub(crate) fn lint(file: &str, bytes: &[u8], default_file: bool, out: &mut Vec<Finding>) {
    let cat = Catalogue::builtin();
    let text = String::from_utf8_lossy(bytes);
    // name -> (line, value) of its first setting.
    let mut seen: HashMap<&str, (usize, &str)> = HashMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let (name, value) = match parse_line(raw) {
            Line::Blank => continue,
            Line::Syntax(why) => {
                let fix = match why.split_once("\" uses '='") {
                    Some((n, _)) => format!("Write {}: value", n.trim_start_matches('"')),
                    None => "Write the line as name: \"value\".".into(),
                };
                out.push(finding(&checks::CONFIG_SYNTAX, file, Some(line), why, fix));
                continue;
            }
            Line::Entry { name, value } => (name, value),
        };
        let p = check_name_value(
            cat,
            ConfigKind::SipCnf,
            name,
            Some(value),
            file,
            Some(line),
            out,
        );
        let secret = p.is_some_and(|p| p.is_secret()) || crate::catalogue::looks_secret(name);
        if let Some(&(first, v0)) = seen.get(name) {
            if v0 == value {
                out.push(finding(
                    &checks::DUPLICATE_KEY,
                    file,
                    Some(line),
                    format!("{name} is set again, to the same value as at line {first}"),
                    format!("Remove one of the two {name} lines."),
                ));
            } else {
                let msg = if secret {
                    format!("{name} is set again, to another value than at line {first}")
                } else {
                    format!("{name} is set to \"{value}\" here and to \"{v0}\" at line {first}")
                };
                out.push(finding(
                    &checks::CONFLICTING_DUPLICATE,
                    file,
                    Some(line),
                    msg,
                    format!("Keep one {name} line, with the value you mean."),
                ));
            }
        } else {
            seen.insert(name, (line, value));
        }
        if let Some(p) = p.filter(|p| default_file && p.scope == Scope::Phone && !value.is_empty())
        {
            out.push(finding(
                &checks::PER_PHONE_IN_DEFAULT,
                file,
                Some(line),
                format!(
                    "{} belongs to one phone, but SIPDefault.cnf is read by every phone",
                    p.name
                ),
                format!("Move {} into each phone's SIP<MAC>.cnf.", p.name),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(parse_line("  # comment"), Line::Blank);
        assert_eq!(parse_line(""), Line::Blank);
        assert_eq!(
            parse_line("proxy1_port:\"5060\"  ; Default 5060"),
            Line::Entry {
                name: "proxy1_port",
                value: "5060"
            }
        );
        assert_eq!(
            parse_line("time_zone: EST"),
            Line::Entry {
                name: "time_zone",
                value: "EST"
            }
        );
        assert_eq!(
            parse_line("phone_label: \"a; b\";"),
            Line::Entry {
                name: "phone_label",
                value: "a; b"
            }
        );
        assert_eq!(
            parse_line("proxy1_address: 10.0.0.1:5060"),
            Line::Entry {
                name: "proxy1_address",
                value: "10.0.0.1:5060"
            }
        );
        for bad in [
            "proxy1_port=5060",
            "proxy1_address=10.0.0.1:5060",
            "just words",
            "name: \"unclosed",
            "name: \"a\" b",
            "bad name: 1",
        ] {
            assert!(matches!(parse_line(bad), Line::Syntax(_)), "{bad}");
        }
        let Line::Syntax(why) = parse_line("proxy1_port=5060") else {
            unreachable!()
        };
        assert!(why.contains("uses '='"), "{why}");
    }
}
