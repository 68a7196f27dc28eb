//! GOV.UK Frontend's built stylesheet, script and images, embedded at compile time.
//!
//! Serve them under `/assets/{ASSET_VERSION}/{path}` with a long, immutable cache
//! lifetime: the version changes whenever any file does, so a stale copy is never
//! used. The stylesheet refers to its images relative to itself, so they resolve
//! under the same prefix.
//!
//! ```
//! use beacon_govuk::assets::{asset, asset_url, ASSET_VERSION};
//!
//! let css = asset("app.css").unwrap();
//! assert_eq!(css.content_type, "text/css; charset=utf-8");
//! assert_eq!(asset_url("app.css"), format!("/assets/{ASSET_VERSION}/app.css"));
//! ```

/// One embedded file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    pub bytes: &'static [u8],
    pub content_type: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path` inside `web/dist` (for example `"app.css"` or
/// `"assets/images/favicon.ico"`), if there is one.
pub fn asset(path: &str) -> Option<Asset> {
    ASSETS
        .binary_search_by(|(name, _)| (*name).cmp(path))
        .ok()
        .and_then(|index| ASSETS.get(index))
        .map(|(_, asset)| *asset)
}

/// Every embedded file with its path, sorted by path.
pub fn all() -> impl Iterator<Item = (&'static str, Asset)> {
    ASSETS.iter().map(|(name, asset)| (*name, *asset))
}

/// The URL the app serves `path` at: `/assets/{ASSET_VERSION}/{path}`.
pub fn asset_url(path: &str) -> String {
    format!("/assets/{ASSET_VERSION}/{path}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn stylesheet_script_and_images_are_embedded() {
        let css = asset("app.css").unwrap();
        let css = std::str::from_utf8(css.bytes).unwrap();
        assert!(css.contains(".govuk-button"));
        assert!(asset("govuk-frontend.min.js").is_some());
        let init = std::str::from_utf8(asset("init.js").unwrap().bytes).unwrap();
        assert!(init.contains("from \"./govuk-frontend.min.js\""));
        assert!(asset("assets/manifest.json").is_some());
        assert_eq!(
            asset("assets/images/favicon.svg").unwrap().content_type,
            "image/svg+xml"
        );
        assert!(asset("missing.css").is_none());
    }

    #[test]
    fn branding_uses_arial_and_no_gds_transport() {
        let css = std::str::from_utf8(asset("app.css").unwrap().bytes).unwrap();
        assert!(css.contains("font-family:arial,sans-serif"));
        assert!(!css.contains("GDS Transport"));
        assert!(!css.contains("@font-face"));
        assert!(all().all(|(path, _)| !path.contains("fonts/")));
    }

    #[test]
    fn every_url_in_the_stylesheet_resolves_to_an_embedded_file() {
        let css = std::str::from_utf8(asset("app.css").unwrap().bytes).unwrap();
        for piece in css.split("url(").skip(1) {
            let target = piece.split(')').next().unwrap().trim_matches('"');
            assert!(
                asset(target).is_some(),
                "app.css refers to missing {target}"
            );
        }
    }

    #[test]
    fn version_is_a_short_hex_hash() {
        assert_eq!(ASSET_VERSION.len(), 12);
        assert!(ASSET_VERSION.chars().all(|c| c.is_ascii_hexdigit()));
    }
}
