//! `--only`: which clients get the files that convert a phone, and how a client's MAC is
//! known (the names it asked for, or the kernel's neighbour table).
use std::net::IpAddr;

use crate::device::{BootFileKind, Mac, classify_boot_file};
use crate::tftp::names;

/// One `--only` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    Ip(IpAddr),
    /// Address and prefix length.
    Cidr(IpAddr, u8),
    Mac(Mac),
}

impl Entry {
    /// `10.0.0.7`, `10.0.0.0/24`, `fd00::/64`, or a MAC in any common form.
    pub fn parse(s: &str) -> Result<Entry, String> {
        let s = s.trim();
        if let Some((ip, len)) = s.split_once('/') {
            let ip: IpAddr = ip
                .parse()
                .map_err(|_| format!("{s:?}: not an address/prefix"))?;
            let max = if ip.is_ipv4() { 32 } else { 128 };
            let len: u8 = len
                .parse()
                .ok()
                .filter(|l| *l <= max)
                .ok_or_else(|| format!("{s:?}: prefix length must be 0–{max}"))?;
            return Ok(Entry::Cidr(ip, len));
        }
        if let Ok(ip) = s.parse::<IpAddr>() {
            return Ok(Entry::Ip(ip));
        }
        Mac::parse(s)
            .map(Entry::Mac)
            .map_err(|_| format!("{s:?}: neither an IP address, a CIDR block nor a MAC address"))
    }

    fn matches(&self, ip: IpAddr, mac: Option<Mac>) -> bool {
        match self {
            Entry::Ip(a) => canonical(*a) == canonical(ip),
            Entry::Cidr(net, len) => in_block(canonical(ip), canonical(*net), *len),
            Entry::Mac(m) => mac == Some(*m),
        }
    }
}

/// IPv4-mapped IPv6 addresses compare as IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_block(ip: IpAddr, net: IpAddr, len: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

/// The clients chosen for conversion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Only(pub Vec<Entry>);

impl Only {
    pub fn allows(&self, ip: IpAddr, mac: Option<Mac>) -> bool {
        self.0.iter().any(|e| e.matches(ip, mac))
    }
    /// The MACs listed (phones expected to show up).
    pub fn macs(&self) -> impl Iterator<Item = Mac> + '_ {
        self.0.iter().filter_map(|e| match e {
            Entry::Mac(m) => Some(*m),
            _ => None,
        })
    }
}

/// Whether a file can convert the phone that loads it: an image, the files that name one
/// (`OS79XX.TXT`, `XMLDefault.cnf.xml`, `SEP<MAC>.cnf.xml`, the 7905/7912 and ATA profiles with
/// their upgrade codes) and the SIP configuration files. Ring tones, dial plans and trust
/// lists are served to everyone.
pub fn converts(file: &str) -> bool {
    if names::classify(file).is_image() {
        return true;
    }
    match classify_boot_file(file) {
        Some((kind, _)) => !matches!(kind, BootFileKind::RingList | BootFileKind::TrustList),
        None => false,
    }
}

/// Finds a client's MAC by its address.
pub trait Neighbours: Send + Sync {
    fn mac_of(&self, ip: IpAddr) -> Option<Mac>;
}

/// Knows none.
pub struct NoNeighbours;

impl Neighbours for NoNeighbours {
    fn mac_of(&self, _ip: IpAddr) -> Option<Mac> {
        None
    }
}

/// The kernel's ARP table (`/proc/net/arp`), read when asked (clients on the same link).
pub struct ArpTable;

impl Neighbours for ArpTable {
    fn mac_of(&self, ip: IpAddr) -> Option<Mac> {
        let text = std::fs::read_to_string("/proc/net/arp").ok()?;
        arp_lookup(&text, ip)
    }
}

/// Looks `ip` up in the text of `/proc/net/arp` (`IP address HW type Flags HW address Mask
/// Device`); incomplete entries (flags 0x0) are skipped.
pub fn arp_lookup(text: &str, ip: IpAddr) -> Option<Mac> {
    let ip = canonical(ip);
    text.lines().skip(1).find_map(|l| {
        let f: Vec<&str> = l.split_whitespace().collect();
        let (a, flags, hw) = (f.first()?, f.get(2)?, f.get(3)?);
        if a.parse::<IpAddr>().ok()? != ip || *flags == "0x0" {
            return None;
        }
        Mac::parse(hw).ok().filter(|m| m.upper() != "000000000000")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_and_matching() {
        let only = Only(
            ["10.0.0.7", "192.168.1.0/24", "0006.d7aa.2a2e", "fd00::/64"]
                .iter()
                .map(|s| Entry::parse(s).unwrap())
                .collect(),
        );
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let mac = Mac::parse("00:06:D7:AA:2A:2E").unwrap();
        assert!(only.allows(ip("10.0.0.7"), None));
        assert!(only.allows(ip("::ffff:10.0.0.7"), None));
        assert!(!only.allows(ip("10.0.0.8"), None));
        assert!(only.allows(ip("192.168.1.200"), None));
        assert!(!only.allows(ip("192.168.2.1"), None));
        assert!(only.allows(ip("10.9.9.9"), Some(mac)));
        assert!(only.allows(ip("fd00::5"), None));
        assert!(!only.allows(ip("fd01::5"), None));
        assert_eq!(only.macs().collect::<Vec<_>>(), [mac]);
        assert!(Entry::parse("10.0.0.0/33").is_err());
        assert!(Entry::parse("phone7").is_err());
        assert_eq!(
            Entry::parse("0.0.0.0/0").unwrap(),
            Entry::Cidr(ip("0.0.0.0"), 0)
        );
        assert!(Only(vec![Entry::parse("0.0.0.0/0").unwrap()]).allows(ip("1.2.3.4"), None));
    }

    #[test]
    fn what_converts() {
        for f in [
            "OS79XX.TXT",
            "SIPDefault.cnf",
            "SIP0006D7AA2A2E.cnf",
            "SEP0006D7AA2A2E.cnf.xml",
            "XMLDefault.cnf.xml",
            "gkdefault.cfg",
            "ld0006d7aa2a2e",
            "atadefault.cfg",
            "P0S3-08-12-00.sb2",
            "P0S3-08-12-00.loads",
            "P003-08-12-00.bin",
        ] {
            assert!(converts(f), "{f}");
        }
        for f in [
            "RINGLIST.DAT",
            "CTLSEP0006D7AA2A2E.tlv",
            "ring1.raw",
            "dialplan.xml",
        ] {
            assert!(!converts(f), "{f}");
        }
    }

    #[test]
    fn arp() {
        let t = "IP address       HW type     Flags       HW address            Mask     Device\n\
                 10.0.0.7         0x1         0x2         00:06:d7:aa:2a:2e     *        eth0\n\
                 10.0.0.8         0x1         0x0         00:00:00:00:00:00     *        eth0\n";
        assert_eq!(
            arp_lookup(t, "10.0.0.7".parse().unwrap()).map(|m| m.upper()),
            Some("0006D7AA2A2E".into())
        );
        assert_eq!(arp_lookup(t, "10.0.0.8".parse().unwrap()), None);
        assert_eq!(arp_lookup(t, "10.0.0.9".parse().unwrap()), None);
    }
}
