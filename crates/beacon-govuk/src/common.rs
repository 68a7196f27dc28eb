//! Pieces every component shares: extra HTML attributes, text-or-HTML content,
//! and the lenient JSON readers that let the structs take the Nunjucks macros'
//! options as they are written (where `value: 1` and `value: "1"` mean the same).

use std::fmt::{self, Display, Write as _};

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Writes `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in element
/// content and in quoted attribute values.
pub(crate) fn write_escaped(out: &mut impl fmt::Write, text: &str) -> fmt::Result {
    let mut rest = text;
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at])?;
        out.write_str(match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        })?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest)
}

/// Extra attributes for a component's element, as the macros' `attributes`
/// option: `name="value"` pairs, or bare boolean attributes such as `hidden`.
///
/// Values are escaped when rendered; names must be literal attribute names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Attributes(Vec<(String, Option<String>)>);

impl Attributes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name="value"`.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.push((name.into(), Some(value.into())));
        self
    }

    /// Adds a boolean attribute, rendered as its bare name.
    pub fn flag(mut self, name: impl Into<String>) -> Self {
        self.0.push((name.into(), None));
        self
    }

    /// Adds every attribute of `other` after these.
    pub fn extend(mut self, other: &Attributes) -> Self {
        self.0.extend(other.0.iter().cloned());
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Renders with a leading space before each attribute, ready to follow an
/// element name.
impl Display for Attributes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (name, value) in &self.0 {
            f.write_char(' ')?;
            write_escaped(f, name)?;
            if let Some(value) = value {
                f.write_str("=\"")?;
                write_escaped(f, value)?;
                f.write_char('"')?;
            }
        }
        Ok(())
    }
}

impl askama::filters::HtmlSafe for Attributes {}

impl<'de> Deserialize<'de> for Attributes {
    /// Reads the macros' form: each value is a string or number, or
    /// `{ value, optional }` where an optional `true` is a bare boolean
    /// attribute and an optional `null` or `false` leaves the attribute out.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = serde_json::Map::<String, Value>::deserialize(deserializer)?;
        let mut attributes = Vec::with_capacity(map.len());
        for (name, item) in map {
            let (value, optional) = match item {
                Value::Object(mut options) => {
                    let optional = options.get("optional") == Some(&Value::Bool(true));
                    (options.remove("value").unwrap_or(Value::Null), optional)
                }
                value => (value, false),
            };
            match (value, optional) {
                (Value::Bool(true), true) => attributes.push((name, None)),
                (Value::Null | Value::Bool(false), true) => {}
                (Value::Null, false) => attributes.push((name, Some(String::new()))),
                (value, _) => attributes.push((name, Some(scalar_to_string(value)?))),
            }
        }
        Ok(Self(attributes))
    }
}

/// Text to be escaped, or trusted HTML to be written as it is: the macros'
/// `text` and `html` options, where `html` wins when both are given.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    pub text: Option<&'a str>,
    pub html: Option<&'a str>,
}

impl<'a> Content<'a> {
    pub fn new(text: &'a Option<String>, html: &'a Option<String>) -> Self {
        Self {
            text: text.as_deref(),
            html: html.as_deref(),
        }
    }

    /// Whether there is anything to show, as the macros test `text or html`.
    pub fn is_present(&self) -> bool {
        self.html.is_some_and(|h| !h.is_empty()) || self.text.is_some_and(|t| !t.is_empty())
    }
}

impl Display for Content<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.html.filter(|h| !h.is_empty()), self.text) {
            (Some(html), _) => f.write_str(html.trim()),
            (None, Some(text)) => write_escaped(f, text),
            (None, None) => Ok(()),
        }
    }
}

impl askama::filters::HtmlSafe for Content<'_> {}

/// Marks a component as already-escaped HTML, so `{{ component }}` in another
/// askama template writes it as it is instead of escaping it again. Only for
/// types whose templates escape every piece of text they are given.
macro_rules! html_safe_component {
    ($($component:ty),+ $(,)?) => {
        $(impl askama::filters::HtmlSafe for $component {})+
    };
}
pub(crate) use html_safe_component;

fn scalar_to_string<E: de::Error>(value: Value) -> Result<String, E> {
    match value {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(E::custom(format!("expected a string, found {other}"))),
    }
}

/// Reads an optional string that the options may also give as a number or
/// boolean, as Nunjucks would print them.
pub(crate) fn lenient_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null => Ok(None),
        value => scalar_to_string(value).map(Some),
    }
}

/// Reads a nested component's options where `false` or `null` mean "none".
pub(crate) fn falsy_is_none<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    match Value::deserialize(deserializer)? {
        Value::Null | Value::Bool(false) => Ok(None),
        value => serde_json::from_value(value)
            .map(Some)
            .map_err(de::Error::custom),
    }
}

/// Joins the ids that describe a control, as the macros build `aria-describedby`.
pub(crate) fn join_ids<'a>(ids: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let joined = ids
        .into_iter()
        .flatten()
        .filter(|id| !id.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!joined.is_empty()).then_some(joined)
}

/// The macros treat an empty string as no value (`{% if params.x %}`).
pub(crate) trait NonEmpty {
    fn non_empty(&self) -> Option<&str>;
}

impl NonEmpty for Option<String> {
    fn non_empty(&self) -> Option<&str> {
        self.as_deref().filter(|s| !s.is_empty())
    }
}

/// Reads an optional string where `false`, `null` and `""` mean "none".
pub(crate) fn falsy_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Null | Value::Bool(false) => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        value => scalar_to_string(value).map(Some),
    }
}

/// Reads a list whose falsy entries (`null`, `false`, `""`) the macros skip,
/// keeping their places because item ids count them.
pub(crate) fn falsy_items<'de, D, T>(deserializer: D) -> Result<Vec<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let values = Option::<Vec<Value>>::deserialize(deserializer)?.unwrap_or_default();
    values
        .into_iter()
        .map(|v| match v {
            Value::Null | Value::Bool(false) => Ok(None),
            Value::String(s) if s.is_empty() => Ok(None),
            v => serde_json::from_value(v)
                .map(Some)
                .map_err(de::Error::custom),
        })
        .collect()
}

/// Implements askama's `Template` (and `Display`, `FastWritable`, HTML
/// safety) for a component that renders by building other components, through
/// its `fn write_html(&self, &mut dyn fmt::Write, &dyn askama::Values)`.
macro_rules! composed_component {
    ($component:ty) => {
        impl askama::Template for $component {
            fn render_into_with_values(
                &self,
                writer: &mut dyn std::fmt::Write,
                values: &dyn askama::Values,
            ) -> askama::Result<()> {
                self.write_html(writer, values)
            }

            const SIZE_HINT: usize = 2048;
        }

        impl std::fmt::Display for $component {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                askama::Template::render_into(self, f).map_err(|_| std::fmt::Error)
            }
        }

        impl askama::FastWritable for $component {
            fn write_into(
                &self,
                dest: &mut dyn std::fmt::Write,
                values: &dyn askama::Values,
            ) -> askama::Result<()> {
                self.write_html(dest, values)
            }
        }

        impl askama::filters::HtmlSafe for $component {}
    };
}
pub(crate) use composed_component;

/// Reads a map of names to values that may be strings or numbers.
pub(crate) fn lenient_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<std::collections::BTreeMap<String, String>, D::Error> {
    let map = Option::<serde_json::Map<String, Value>>::deserialize(deserializer)?;
    map.unwrap_or_default()
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| scalar_to_string(v).map(|v| (k, v)))
        .collect()
}
