//! IANA time zones in the two encodings Cisco's phones read: the 7940/7960 SIP `.cnf`
//! abbreviation with an explicit daylight-saving rule, and the Windows-style name of
//! `<timeZone>` in `SEP<MAC>.cnf.xml` ("… Standard/Daylight Time"; "… Standard Time" where
//! the zone has no daylight saving). The binary profiles take the offset in hours.
//!
//! This is the one place provision asks; it moves to the shared catalogue when that lands.

/// When daylight saving starts or stops: `week` 1–4, or 8 for the last week of the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub month: &'static str,
    pub week: u8,
    /// Local time, `hh:mm`.
    pub time: &'static str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dst {
    pub start: Change,
    pub stop: Change,
}

/// One IANA zone as the phones spell it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone {
    pub iana: &'static str,
    /// `time_zone` of the 7940/7960 SIP firmware.
    pub cnf: &'static str,
    /// Standard offset from UTC, minutes.
    pub offset_minutes: i32,
    pub dst: Option<Dst>,
    /// `<timeZone>` of the XML phones.
    pub xml: &'static str,
}

const fn ch(month: &'static str, week: u8, time: &'static str) -> Change {
    Change { month, week, time }
}

/// The US and Canada since 2007: second Sunday of March to first Sunday of November, 02:00.
const US: Option<Dst> = Some(Dst {
    start: ch("Mar", 2, "02:00"),
    stop: ch("Nov", 1, "02:00"),
});
/// The EU rule: last Sunday of March to last Sunday of October at 01:00 UTC, given in local
/// time per standard offset.
const EU0: Option<Dst> = Some(Dst {
    start: ch("Mar", 8, "01:00"),
    stop: ch("Oct", 8, "02:00"),
});
const EU1: Option<Dst> = Some(Dst {
    start: ch("Mar", 8, "02:00"),
    stop: ch("Oct", 8, "03:00"),
});
const EU2: Option<Dst> = Some(Dst {
    start: ch("Mar", 8, "03:00"),
    stop: ch("Oct", 8, "04:00"),
});
/// South-eastern Australia: first Sunday of October to first Sunday of April.
const AU: Option<Dst> = Some(Dst {
    start: ch("Oct", 1, "02:00"),
    stop: ch("Apr", 1, "03:00"),
});
/// New Zealand: last Sunday of September to first Sunday of April.
const NZ: Option<Dst> = Some(Dst {
    start: ch("Sep", 8, "02:00"),
    stop: ch("Apr", 1, "03:00"),
});

const fn z(
    iana: &'static str,
    cnf: &'static str,
    offset_minutes: i32,
    dst: Option<Dst>,
    xml: &'static str,
) -> Zone {
    Zone {
        iana,
        cnf,
        offset_minutes,
        dst,
        xml,
    }
}

/// The zones known. Windows names from the CUCM time-zone list; `.cnf` abbreviations from
/// the 7940/7960 SIP administration guide's `time_zone` list.
pub const ZONES: &[Zone] = &[
    z("UTC", "GMT", 0, None, "Greenwich Standard Time"),
    z("Etc/UTC", "GMT", 0, None, "Greenwich Standard Time"),
    z("Europe/London", "GMT", 0, EU0, "GMT Standard/Daylight Time"),
    z("Europe/Dublin", "GMT", 0, EU0, "GMT Standard/Daylight Time"),
    z("Europe/Lisbon", "GMT", 0, EU0, "GMT Standard/Daylight Time"),
    z(
        "Europe/Paris",
        "CET",
        60,
        EU1,
        "Romance Standard/Daylight Time",
    ),
    z(
        "Europe/Brussels",
        "CET",
        60,
        EU1,
        "Romance Standard/Daylight Time",
    ),
    z(
        "Europe/Madrid",
        "CET",
        60,
        EU1,
        "Romance Standard/Daylight Time",
    ),
    z(
        "Europe/Berlin",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Amsterdam",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Rome",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Vienna",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Zurich",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Stockholm",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Oslo",
        "CET",
        60,
        EU1,
        "W. Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Warsaw",
        "CET",
        60,
        EU1,
        "Central Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Prague",
        "CET",
        60,
        EU1,
        "Central Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Budapest",
        "CET",
        60,
        EU1,
        "Central Europe Standard/Daylight Time",
    ),
    z(
        "Europe/Helsinki",
        "EET",
        120,
        EU2,
        "FLE Standard/Daylight Time",
    ),
    z("Europe/Riga", "EET", 120, EU2, "FLE Standard/Daylight Time"),
    z(
        "Europe/Athens",
        "EET",
        120,
        EU2,
        "GTB Standard/Daylight Time",
    ),
    z(
        "Europe/Bucharest",
        "EET",
        120,
        EU2,
        "GTB Standard/Daylight Time",
    ),
    z(
        "America/New_York",
        "EST",
        -300,
        US,
        "Eastern Standard/Daylight Time",
    ),
    z(
        "America/Toronto",
        "EST",
        -300,
        US,
        "Eastern Standard/Daylight Time",
    ),
    z(
        "America/Detroit",
        "EST",
        -300,
        US,
        "Eastern Standard/Daylight Time",
    ),
    z(
        "America/Chicago",
        "CST",
        -360,
        US,
        "Central Standard/Daylight Time",
    ),
    z(
        "America/Winnipeg",
        "CST",
        -360,
        US,
        "Central Standard/Daylight Time",
    ),
    z(
        "America/Denver",
        "MST",
        -420,
        US,
        "Mountain Standard/Daylight Time",
    ),
    z(
        "America/Edmonton",
        "MST",
        -420,
        US,
        "Mountain Standard/Daylight Time",
    ),
    z(
        "America/Phoenix",
        "MST",
        -420,
        None,
        "US Mountain Standard Time",
    ),
    z(
        "America/Los_Angeles",
        "PST",
        -480,
        US,
        "Pacific Standard/Daylight Time",
    ),
    z(
        "America/Vancouver",
        "PST",
        -480,
        US,
        "Pacific Standard/Daylight Time",
    ),
    z(
        "America/Anchorage",
        "YST",
        -540,
        US,
        "Alaskan Standard/Daylight Time",
    ),
    z(
        "America/Halifax",
        "AST",
        -240,
        US,
        "Atlantic Standard/Daylight Time",
    ),
    z(
        "America/St_Johns",
        "NST",
        -210,
        US,
        "Newfoundland Standard/Daylight Time",
    ),
    z(
        "Pacific/Honolulu",
        "AHST",
        -600,
        None,
        "Hawaiian Standard Time",
    ),
    z("Asia/Kolkata", "IST", 330, None, "India Standard Time"),
    z("Asia/Tokyo", "JST", 540, None, "Tokyo Standard Time"),
    z(
        "Australia/Sydney",
        "EAST",
        600,
        AU,
        "AUS Eastern Standard/Daylight Time",
    ),
    z(
        "Australia/Melbourne",
        "EAST",
        600,
        AU,
        "AUS Eastern Standard/Daylight Time",
    ),
    z(
        "Australia/Brisbane",
        "EAST",
        600,
        None,
        "E. Australia Standard Time",
    ),
    z(
        "Pacific/Auckland",
        "NZST",
        720,
        NZ,
        "New Zealand Standard/Daylight Time",
    ),
];

/// The zone for an IANA name (exact spelling, case-insensitive).
pub fn zone(iana: &str) -> Option<&'static Zone> {
    ZONES
        .iter()
        .find(|z| z.iana.eq_ignore_ascii_case(iana.trim()))
}

/// The closest known name, for a message.
pub fn suggest(iana: &str) -> Option<&'static str> {
    super::params::closest(iana, ZONES.iter().map(|z| z.iana))
}

impl Zone {
    /// The `.cnf` lines for this zone, in Cisco's order.
    pub fn cnf_params(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("time_zone", self.cnf.to_string())];
        match self.dst {
            None => out.push(("dst_auto_adjust", "0".into())),
            Some(d) => {
                out.push(("dst_offset", "1".into()));
                for (which, c) in [("start", d.start), ("stop", d.stop)] {
                    let key = |k: &str| -> &'static str {
                        match (which, k) {
                            ("start", "month") => "dst_start_month",
                            ("start", "day") => "dst_start_day",
                            ("start", "dow") => "dst_start_day_of_week",
                            ("start", "week") => "dst_start_week_of_month",
                            ("start", _) => "dst_start_time",
                            (_, "month") => "dst_stop_month",
                            (_, "day") => "dst_stop_day",
                            (_, "dow") => "dst_stop_day_of_week",
                            (_, "week") => "dst_stop_week_of_month",
                            _ => "dst_stop_time",
                        }
                    };
                    out.push((key("month"), c.month.into()));
                    out.push((key("day"), String::new()));
                    out.push((key("dow"), "Sun".into()));
                    out.push((key("week"), c.week.to_string()));
                    out.push((key("time"), c.time.into()));
                }
                out.push(("dst_auto_adjust", "1".into()));
            }
        }
        out
    }

    /// Whole hours east of UTC, for the binary profiles' `TimeZone`; `None` for zones a
    /// half hour off.
    pub fn hours(&self) -> Option<i32> {
        (self.offset_minutes % 60 == 0).then_some(self.offset_minutes / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_zone_has_both_encodings_and_a_consistent_xml_name() {
        for z in ZONES {
            assert!(!z.cnf.is_empty() && z.xml.ends_with("Time"), "{}", z.iana);
            // A zone with daylight saving names both; one without names only the standard.
            assert_eq!(
                z.dst.is_some(),
                z.xml.contains("Standard/Daylight"),
                "{}",
                z.iana
            );
            assert_eq!(zone(&z.iana.to_ascii_lowercase()), Some(z));
        }
        assert_eq!(
            zone("Europe/Paris").map(|z| z.xml),
            Some("Romance Standard/Daylight Time")
        );
        assert_eq!(suggest("Europe/Pariss"), Some("Europe/Paris"));
        let p = zone("America/New_York").map(|z| z.cnf_params()).unwrap();
        assert!(p.contains(&("dst_start_month", "Mar".to_string())));
        assert!(p.contains(&("dst_stop_week_of_month", "1".to_string())));
        assert_eq!(zone("Asia/Kolkata").and_then(|z| z.hours()), None);
        assert_eq!(zone("America/Chicago").and_then(|z| z.hours()), Some(-6));
    }
}
