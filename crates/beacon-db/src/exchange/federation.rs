//! Other Beacons this one subscribes to: fetching their public cases,
//! storing them as read-only publications marked with their source.
