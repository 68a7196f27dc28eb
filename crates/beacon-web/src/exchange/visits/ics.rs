//! The iCalendar invitation for a scheduled visit (RFC 5545, with the
//! methods of RFC 5546): the same UID for every version of a visit, a
//! SEQUENCE that rises with each change, and METHOD:CANCEL when it is
//! called off. Times are written in UTC.
use beacon_db::entity::visit_slot;
use icalendar::{Calendar, Component, Event, EventLike, Property};
use time::OffsetDateTime;
use time::macros::format_description;

/// What the invitation is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A new or changed visit.
    Request,
    /// The visit is off.
    Cancel,
}

pub struct Invitation<'a> {
    pub slot: &'a visit_slot::Model,
    pub summary: &'a str,
    pub description: &'a str,
    /// The host council, and the address replies go to.
    pub organiser_name: &'a str,
    pub organiser_email: &'a str,
    /// The visitor's address.
    pub attendee: Option<&'a str>,
    pub method: Method,
    pub now: OffsetDateTime,
}

fn utc(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

/// The UID of a scheduled visit: stable for its whole life, so calendars
/// replace the event rather than add another.
pub fn uid(slot: &visit_slot::Model) -> String {
    format!("visit-{}@beacon", slot.id)
}

pub fn render(inv: &Invitation<'_>) -> String {
    let mut event = Event::new();
    event
        .uid(&uid(inv.slot))
        .add_property("DTSTAMP", utc(inv.now))
        .add_property("DTSTART", utc(inv.slot.starts_at))
        .add_property("DTEND", utc(inv.slot.ends_at))
        .summary(inv.summary)
        .location(&inv.slot.location)
        .description(inv.description)
        .sequence(u32::try_from(inv.slot.sequence).unwrap_or(0))
        .append_property(
            Property::new("ORGANIZER", format!("mailto:{}", inv.organiser_email))
                .add_parameter("CN", inv.organiser_name)
                .done(),
        );
    if let Some(attendee) = inv.attendee {
        event.append_property(
            Property::new("ATTENDEE", format!("mailto:{attendee}"))
                .add_parameter("ROLE", "REQ-PARTICIPANT")
                .done(),
        );
    }
    match inv.method {
        Method::Request => {
            event.add_property("STATUS", "CONFIRMED");
        }
        Method::Cancel => {
            event.add_property("STATUS", "CANCELLED");
        }
    }
    let mut calendar = Calendar::empty();
    calendar
        .append_property(Property::new("VERSION", "2.0"))
        .append_property(Property::new("PRODID", "-//Beacon//Practice exchange//EN"))
        .append_property(Property::new("CALSCALE", "GREGORIAN"))
        .append_property(Property::new(
            "METHOD",
            match inv.method {
                Method::Request => "REQUEST",
                Method::Cancel => "CANCEL",
            },
        ))
        .push(event.done());
    calendar.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use time::macros::datetime;
    use uuid::Uuid;

    fn slot(sequence: i32) -> visit_slot::Model {
        visit_slot::Model {
            id: Uuid::from_u128(7),
            organisation_id: Uuid::from_u128(1),
            case_id: Uuid::from_u128(2),
            starts_at: datetime!(2026-12-01 10:00 UTC),
            ends_at: datetime!(2026-12-01 12:30 UTC),
            location: "Town Hall, Room 2; ask at reception".into(),
            cap: 10,
            booked: 3,
            sequence,
            organised_by: None,
            created_at: datetime!(2026-11-20 09:00 UTC),
            updated_at: datetime!(2026-11-20 09:00 UTC),
        }
    }

    fn invite(slot: &visit_slot::Model, method: Method) -> String {
        render(&Invitation {
            slot,
            summary: "Visit: Community hubs",
            description: "Line one\nline two",
            organiser_name: "Northmere Borough Council",
            organiser_email: "lead@northmere.example",
            attendee: Some("visitor@askevale.example"),
            method,
            now: datetime!(2026-11-23 08:00 UTC),
        })
    }

    #[test]
    fn an_invitation_carries_the_visit() {
        let ics = invite(&slot(0), Method::Request);
        for line in [
            "METHOD:REQUEST",
            "UID:visit-00000000-0000-0000-0000-000000000007@beacon",
            "DTSTAMP:20261123T080000Z",
            "DTSTART:20261201T100000Z",
            "DTEND:20261201T123000Z",
            "SEQUENCE:0",
            "SUMMARY:Visit: Community hubs",
            "LOCATION:Town Hall\\, Room 2\\; ask at reception",
            "ORGANIZER;CN=Northmere Borough Council:mailto:lead@northmere.example",
        ] {
            assert!(ics.contains(&format!("{line}\r\n")), "{line} in {ics}");
        }
    }

    #[test]
    fn updates_keep_the_uid_and_cancellations_say_so() {
        let first = invite(&slot(0), Method::Request);
        let later = invite(&slot(2), Method::Cancel);
        let uid = |s: &str| {
            s.lines()
                .find(|l| l.starts_with("UID:"))
                .unwrap()
                .to_owned()
        };
        assert_eq!(uid(&first), uid(&later));
        assert!(later.contains("SEQUENCE:2\r\n"));
        assert!(later.contains("METHOD:CANCEL\r\n"));
        assert!(later.contains("STATUS:CANCELLED\r\n"));
    }
}
