//! Load-name grammar (§6.1) and version ordering.
use cfgfmt::pkg::names::{self, Family, Protocol, Scheme, Version};

fn v(a: u16, b: u16, c: u16, d: u16) -> Version {
    Version::new(a, b, c, d)
}

#[test]
fn every_naming_scheme_of_the_fact_sheet() {
    let cases: &[(&str, Protocol, Family, Scheme, Version)] = &[
        (
            "P0S30203",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Short,
            v(2, 3, 0, 0),
        ),
        (
            "P0S30202",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Short,
            v(2, 2, 0, 0),
        ),
        (
            "P0S3-07-4-00",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(7, 4, 0, 0),
        ),
        (
            "P0S3-03-0-00",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(3, 0, 0, 0),
        ),
        (
            "P0S3-8-12-00",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(8, 12, 0, 0),
        ),
        (
            "P0S3-08-11-00",
            Protocol::Sip,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(8, 11, 0, 0),
        ),
        (
            "P0M3-07-5-00",
            Protocol::Mgcp,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(7, 5, 0, 0),
        ),
        (
            "P003-8-12-00",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(8, 12, 0, 0),
        ),
        (
            "P003-08-4-00",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::Dashed,
            v(8, 4, 0, 0),
        ),
        (
            "P00307020300",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::Sccp12,
            v(7, 2, 3, 0),
        ),
        (
            "P00305000101",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::Sccp12,
            v(5, 0, 1, 1),
        ),
        (
            "P00308010200",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::Sccp12,
            v(8, 1, 2, 0),
        ),
        (
            "P00405000700",
            Protocol::Sccp,
            Family::Phone7910,
            Scheme::Sccp12,
            v(5, 0, 7, 0),
        ),
        (
            "P0030801SR02",
            Protocol::Sccp,
            Family::Phone7940_7960,
            Scheme::ServiceRelease,
            Version {
                major: 8,
                minor: 1,
                maint: 0,
                build: 0,
                service_release: Some(2),
            },
        ),
        (
            "CP7912080000SIP060111A.sbin",
            Protocol::Sip,
            Family::Cp(7912),
            Scheme::Cp,
            v(8, 0, 0, 0),
        ),
        (
            "CP7912080004SCCP080108A.sbin",
            Protocol::Sccp,
            Family::Cp(7912),
            Scheme::Cp,
            v(8, 0, 4, 0),
        ),
        (
            "CP7905010300SIP050414A.sbin",
            Protocol::Sip,
            Family::Cp(7905),
            Scheme::Cp,
            v(1, 3, 0, 0),
        ),
        (
            "ATA030100SIP040211A.zup",
            Protocol::Sip,
            Family::Ata,
            Scheme::Ata,
            v(3, 1, 0, 0),
        ),
        (
            "SIP41.8-5-4S",
            Protocol::Sip,
            Family::Cnu(41),
            Scheme::Cnu,
            v(8, 5, 4, 0),
        ),
        (
            "SCCP41.9-4-2SR1-1S",
            Protocol::Sccp,
            Family::Cnu(41),
            Scheme::Cnu,
            v(9, 4, 2, 0),
        ),
    ];
    for (name, p, f, s, ver) in cases {
        let n = names::parse(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(
            (&n.protocol, &n.family, &n.scheme, &n.version),
            (p, f, s, ver),
            "{name}"
        );
    }
}

#[test]
fn extensions_and_loader_role() {
    let n = names::parse("P003-8-12-00.sbn").unwrap();
    assert_eq!(n.stem, "P003-8-12-00");
    assert_eq!(n.extension.as_deref(), Some("sbn"));
    assert!(n.is_loader);
    assert!(!names::parse("P0S3-8-12-00.sb2").unwrap().is_loader);
    assert!(!names::parse("P0030801SR02").unwrap().is_loader);
}

#[test]
fn upgradecode_date_code() {
    // conversion rule R32: CP7912080000SIP060111A.sbin → 0x060111a.
    let n = names::parse("CP7912080000SIP060111A.sbin").unwrap();
    assert_eq!(n.upgradecode_date().as_deref(), Some("0x060111a"));
    assert_eq!(
        names::parse("CP7940080001SCCP051117A.sbin")
            .unwrap()
            .upgradecode_date()
            .as_deref(),
        Some("0x051117a")
    );
    assert_eq!(
        names::parse("P0S3-8-12-00").unwrap().upgradecode_date(),
        None
    );
}

#[test]
fn versions_order() {
    let order = [
        "P0S30202",
        "P0S30203",
        "P0S3-03-0-00",
        "P0S3-04-4-00",
        "P0S3-05-2-00",
        "P0S3-07-4-00",
        "P0S3-08-4-00",
        "P0S3-08-11-00",
        "P0S3-8-12-00",
    ];
    let vs: Vec<Version> = order
        .iter()
        .map(|n| names::parse(n).unwrap().version)
        .collect();
    assert!(vs.windows(2).all(|w| w[0] < w[1]), "{vs:?}");
    let sccp = [
        "P00303030300",
        "P00305000200",
        "P00306000100",
        "P00307020300",
        "P00308000500",
        "P00308010200",
        "P0030801SR02",
    ];
    let vs: Vec<Version> = sccp
        .iter()
        .map(|n| names::parse(n).unwrap().version)
        .collect();
    assert!(vs.windows(2).all(|w| w[0] < w[1]), "{vs:?}");
}

/// ORDER_SR_AFTER_PLAIN_SAME_MINOR (guess): an SR name hides the maintenance number and sorts
/// after every plain release of its major.minor, before the next minor.
#[test]
fn guess_service_release_orders_after_plain_same_minor() {
    let sr = names::parse("P0030801SR02").unwrap().version;
    assert!(sr > names::parse("P00308019900").unwrap().version);
    assert!(sr < names::parse("P00308020000").unwrap().version);
    assert!(sr > names::parse("P0030801SR01").unwrap().version);
    assert_eq!(sr.to_string(), "8.1SR2");
    assert_eq!(
        names::parse("P00307020300").unwrap().version.to_string(),
        "7.2(3)"
    );
}

#[test]
fn rejects_non_names() {
    for n in [
        "",
        "P0",
        "P0X3-1-2-3",
        "P0S3-a-b-c",
        "readme.txt",
        "P0S3-8-12",
        "CP7912SIP",
        "P0S3-8-12-00-00",
        "ATA030100XYZ040211A",
    ] {
        assert!(names::parse(n).is_none(), "{n:?}");
    }
}
