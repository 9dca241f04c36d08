//! Follows each phone's boot as the server's events arrive: the `tftplog` checks run on
//! every client's recent transfers after each event ([`crate::tftp::diagnose`]) and each
//! finding is reported once, when it first appears; a case-folded serve is a finding each
//! time. [`Watch::status`] sums up every phone (configured, upgrading, looping, withheld,
//! never seen).
use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;

use serde::Serialize;

use super::Event;
use crate::assist::{Finding, Severity};
use crate::tftp::diagnose::{self, RootIndex};
use crate::tftp::log::{LogModel, Outcome, Transfer};
use crate::tftp::names::{self, Requested};

/// Transfers kept per client (the checks look at this many, most recent).
pub const KEEP_TRANSFERS: usize = 64;
/// Clients followed at most; the one seen longest ago is forgotten first.
pub const MAX_CLIENTS: usize = 20_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Got its own configuration file.
    Configured,
    /// Its last file was an image.
    Upgrading,
    /// A boot loop or an image that fails again and again.
    Looping,
    /// Refused the files that would convert it (`--only`).
    Withheld,
    /// Seen, not configured yet.
    Booting,
    /// Expected (inventory, `--only`) and never seen.
    NeverSeen,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Configured => "configured",
            Status::Upgrading => "upgrading",
            Status::Looping => "looping",
            Status::Withheld => "withheld (--only)",
            Status::Booting => "booting",
            Status::NeverSeen => "never seen",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Phone {
    /// Address (empty when never seen).
    pub client: String,
    pub mac: Option<String>,
    pub status: Status,
    pub transfers: usize,
    pub last_file: Option<String>,
    /// Open findings (their codes).
    pub findings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Summary {
    pub phones: Vec<Phone>,
    pub configured: usize,
    pub upgrading: usize,
    pub looping: usize,
    pub withheld: usize,
    pub booting: usize,
    pub never_seen: usize,
}

impl Summary {
    pub fn render_text(&self) -> String {
        let mut out = String::new();
        for p in &self.phones {
            let _ = write!(
                out,
                "  {:<22} {:<12} {:<18}",
                if p.client.is_empty() { "-" } else { &p.client },
                p.mac.as_deref().unwrap_or("-"),
                p.status.label()
            );
            let _ = write!(
                out,
                " {} transfer{}",
                p.transfers,
                if p.transfers == 1 { "" } else { "s" }
            );
            if let Some(f) = &p.last_file {
                let _ = write!(out, ", last {f}");
            }
            if !p.findings.is_empty() {
                let _ = write!(out, " [{}]", p.findings.join(", "));
            }
            out.push('\n');
        }
        let _ = writeln!(
            out,
            "{} phone{}: {} configured, {} upgrading, {} looping, {} withheld, {} booting, {} never seen",
            self.phones.len(),
            if self.phones.len() == 1 { "" } else { "s" },
            self.configured,
            self.upgrading,
            self.looping,
            self.withheld,
            self.booting,
            self.never_seen
        );
        out
    }
}

#[derive(Default)]
struct Client {
    mac: Option<String>,
    transfers: VecDeque<Transfer>,
    total: usize,
    fired: HashSet<(String, String)>,
    open: Vec<String>,
    withheld: bool,
    configured: bool,
    last_file: Option<String>,
    last_image: bool,
    last_seen: u64,
}

pub struct Watch {
    root: Option<RootIndex>,
    clients: HashMap<String, Client>,
    expected: Vec<String>,
    tick: u64,
}

impl Watch {
    /// `root`: the folder's index (with the rendered names added), for the case and
    /// missing-load checks; `expected`: MACs that should show up (upper case).
    pub fn new(root: Option<RootIndex>, expected: Vec<String>) -> Watch {
        Watch {
            root,
            clients: HashMap::new(),
            expected,
            tick: 0,
        }
    }

    /// A new index of the folder (after a reload).
    pub fn set_root(&mut self, root: Option<RootIndex>) {
        self.root = root;
    }

    /// Takes one event; returns the findings it brings.
    pub fn observe(&mut self, e: &Event) -> Vec<Finding> {
        self.tick += 1;
        let ip = e.ip().to_string();
        if !self.clients.contains_key(&ip) && self.clients.len() >= MAX_CLIENTS {
            let oldest = self
                .clients
                .iter()
                .min_by_key(|(_, c)| c.last_seen)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                self.clients.remove(&k);
            }
        }
        let c = self.clients.entry(ip).or_default();
        c.last_seen = self.tick;
        c.total += 1;
        if e.mac.is_some() {
            c.mac.clone_from(&e.mac);
        }
        let kind = names::classify(&e.file);
        let withheld = e.note.as_deref().is_some_and(|n| n.starts_with("withheld"));
        let write = e
            .note
            .as_deref()
            .is_some_and(|n| n.starts_with("write request"));
        c.withheld |= withheld;
        if !write {
            c.last_file = Some(e.file.clone());
        }
        if e.outcome.is_success() {
            c.last_image = kind.is_image();
            if matches!(
                kind,
                Requested::SipMac(_) | Requested::SepMac(_) | Requested::GkMac { .. }
            ) || crate::device::classify_boot_file(&e.file)
                .is_some_and(|(k, _)| k == crate::device::BootFileKind::AtaMac)
            {
                c.configured = true;
            }
        }
        let mut new = Vec::new();
        if let Some(served) = &e.served_as {
            new.push(crate::tftp::finding(
                &crate::tftp::checks::REQUESTED_NAME_CASE,
                Some(Severity::Warning),
                "live",
                usize::try_from(e.seq).ok(),
                format!("{} asked for {} and was served {} (--fold-case)", e.client, e.file, served),
                format!("A case-sensitive server would not find it: keep --fold-case, or give the file the name the phone asks for ({}).", e.file),
            ));
        }
        // Refusals by policy are not the folder's problems: they stay out of the checks.
        if withheld || write {
            return new;
        }
        if c.transfers.len() >= KEEP_TRANSFERS {
            c.transfers.pop_front();
        }
        c.transfers.push_back(e.to_transfer());
        let model = LogModel {
            transfers: c.transfers.iter().cloned().collect(),
            ..LogModel::default()
        };
        let report = diagnose::diagnose(&["live".into()], &model, self.root.as_ref());
        let findings: Vec<Finding> = report
            .clients
            .into_iter()
            .flat_map(|r| r.findings)
            .collect();
        c.open = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| f.code.clone())
            .collect();
        c.open.dedup();
        for f in findings {
            // Once per check and first transfer concerned (the message's counts grow).
            let key = (f.code.clone(), format!("{:?}", f.location));
            if c.fired.insert(key) {
                new.push(f);
            }
        }
        new
    }

    pub fn status(&self) -> Summary {
        let mut phones: Vec<Phone> = self
            .clients
            .iter()
            .map(|(ip, c)| {
                let looping = c.open.iter().any(|f| {
                    matches!(
                        f.as_str(),
                        "boot-loop" | "image-state-error" | "transfer-failed-repeatedly"
                    )
                });
                let status = if looping {
                    Status::Looping
                } else if c.last_image {
                    Status::Upgrading
                } else if c.configured {
                    Status::Configured
                } else if c.withheld {
                    Status::Withheld
                } else {
                    Status::Booting
                };
                Phone {
                    client: ip.clone(),
                    mac: c.mac.clone(),
                    status,
                    transfers: c.total,
                    last_file: c.last_file.clone(),
                    findings: c.open.clone(),
                }
            })
            .collect();
        let seen: HashSet<&str> = self
            .clients
            .values()
            .filter_map(|c| c.mac.as_deref())
            .collect();
        for m in &self.expected {
            if !seen.contains(m.as_str()) {
                phones.push(Phone {
                    client: String::new(),
                    mac: Some(m.clone()),
                    status: Status::NeverSeen,
                    transfers: 0,
                    last_file: None,
                    findings: vec![],
                });
            }
        }
        phones.sort_by(|a, b| (a.status, &a.mac, &a.client).cmp(&(b.status, &b.mac, &b.client)));
        let n = |s: Status| phones.iter().filter(|p| p.status == s).count();
        Summary {
            configured: n(Status::Configured),
            upgrading: n(Status::Upgrading),
            looping: n(Status::Looping),
            withheld: n(Status::Withheld),
            booting: n(Status::Booting),
            never_seen: n(Status::NeverSeen),
            phones,
        }
    }
}

/// Whether an outcome ends a transfer badly (for counting in the binary).
pub fn failed(o: &Outcome) -> bool {
    !o.is_success()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(seq: u64, ip: &str, file: &str, outcome: Outcome) -> Event {
        Event {
            seq,
            time: format!("t{seq}"),
            client: format!("{ip}:1000"),
            mac: None,
            file: file.into(),
            served_as: None,
            origin: None,
            options: String::new(),
            size: None,
            bytes: 0,
            outcome,
            note: None,
            duration_ms: 0,
            retransmits: 0,
        }
    }

    #[test]
    fn boot_loop_fires_once_and_phones_are_summed_up() {
        let mut w = Watch::new(None, vec!["0006D7AA2A2E".into(), "00112233AABB".into()]);
        let mut fired = Vec::new();
        for i in 0..5 {
            fired.extend(w.observe(&ev(i, "10.0.0.5", "OS79XX.TXT", Outcome::Sent)));
        }
        assert_eq!(
            fired.iter().map(|f| f.code.as_str()).collect::<Vec<_>>(),
            ["boot-loop"]
        );
        let mut e = ev(10, "10.0.0.6", "SIP0006D7AA2A2E.cnf", Outcome::Sent);
        e.mac = Some("0006D7AA2A2E".into());
        w.observe(&ev(9, "10.0.0.6", "OS79XX.TXT", Outcome::Sent));
        w.observe(&e);
        w.observe(&ev(11, "10.0.0.7", "P0S3-08-12-00.sb2", Outcome::Sent));
        let mut e = ev(12, "10.0.0.8", "OS79XX.TXT", Outcome::AccessViolation);
        e.note = Some("withheld: 10.0.0.8 is not in --only".into());
        assert!(w.observe(&e).is_empty());
        let s = w.status();
        let st: Vec<(&str, Status)> = s
            .phones
            .iter()
            .map(|p| (p.client.as_str(), p.status))
            .collect();
        assert_eq!(
            st,
            [
                ("10.0.0.6", Status::Configured),
                ("10.0.0.7", Status::Upgrading),
                ("10.0.0.5", Status::Looping),
                ("10.0.0.8", Status::Withheld),
                ("", Status::NeverSeen)
            ]
        );
        assert!(s.render_text().ends_with("5 phones: 1 configured, 1 upgrading, 1 looping, 1 withheld, 0 booting, 1 never seen\n"), "{}", s.render_text());
    }

    #[test]
    fn repeated_image_failures_and_case_folding_fire() {
        let mut w = Watch::new(None, vec![]);
        let mut codes = Vec::new();
        for i in 0..3 {
            codes.extend(
                w.observe(&ev(
                    i,
                    "10.0.0.5",
                    "P0S3-08-12-00.sb2",
                    Outcome::Failed("timeout: no acknowledgement".into()),
                ))
                .into_iter()
                .map(|f| f.code),
            );
        }
        assert_eq!(codes, ["transfer-failed-repeatedly"]);
        let mut e = ev(5, "10.0.0.9", "sipdefault.cnf", Outcome::Sent);
        e.served_as = Some("SIPDefault.cnf".into());
        let f = w.observe(&e);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "requested-name-case");
        assert!(f[0].message.contains("served SIPDefault.cnf"));
        // Each time.
        assert_eq!(w.observe(&e).len(), 1);
    }

    #[test]
    fn missing_load_fires_with_the_root() {
        let d = tempfile::tempdir().unwrap();
        std::fs::write(d.path().join("OS79XX.TXT"), "P0S3-08-12-00\n").unwrap();
        let mut w = Watch::new(Some(RootIndex::read(d.path()).unwrap()), vec![]);
        w.observe(&ev(1, "10.0.0.5", "OS79XX.TXT", Outcome::Sent));
        let f = w.observe(&ev(2, "10.0.0.5", "P0S3-08-12-00.loads", Outcome::NotFound));
        assert!(f.iter().any(|f| f.code == "load-not-in-root"), "{f:?}");
    }
}
