//! Horizontal bar charts drawn on the server as SVG. Each chart is an image
//! with a title and a description for screen readers (`role="img"`), and the
//! page always puts the same figures in a table beside it: the chart is for
//! seeing the shape at a glance, the table for reading the numbers.
//!
//! Colours are GOV.UK's (blue, green, dark grey), each with at least 3:1
//! contrast against white, as WCAG 2.2 asks of graphics; the values are
//! written beside the bars in black, so no meaning rests on colour alone.
use askama::Template;

/// Drawing width in SVG units; the chart scales to its column.
pub const WIDTH: u32 = 480;
/// Room for the labels on the left.
pub const LABEL_WIDTH: u32 = 170;
/// The longest a bar can be, leaving room for its value on the right.
pub const BAR_AREA: u32 = 220;
const BAR_HEIGHT: u32 = 26;
const GAP: u32 = 12;
/// Characters of a label that fit beside the bars; the table has the rest.
const LABEL_CHARS: usize = 20;

pub const BLUE: &str = "#1d70b8";
pub const GREEN: &str = "#00703c";
pub const GREY: &str = "#505a5f";

pub struct Bar {
    pub label: String,
    pub value_label: String,
    pub fill: &'static str,
    pub y: u32,
    pub text_y: u32,
    pub width: u32,
    pub value_x: u32,
}

/// A vertical line across the bars, such as a target.
pub struct Marker {
    pub x: u32,
    pub label: String,
}

/// One value to draw: what it is, how big, how to write it, in what colour.
pub struct Datum {
    pub label: String,
    pub value: u64,
    pub value_label: String,
    pub fill: &'static str,
}

impl Datum {
    pub fn new(label: impl Into<String>, value: u64, value_label: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value,
            value_label: value_label.into(),
            fill: BLUE,
        }
    }

    pub fn fill(mut self, fill: &'static str) -> Self {
        self.fill = fill;
        self
    }
}

#[derive(Template)]
#[template(path = "portfolio/bar_chart.html")]
pub struct BarChart {
    pub id: String,
    pub title: String,
    pub description: String,
    pub bars: Vec<Bar>,
    pub marker: Option<Marker>,
    pub top: u32,
    pub height: u32,
    pub axis_x: u32,
    pub width: u32,
}

/// How long a bar is for `value` on a scale whose full length is `max`:
/// proportional, never longer than the bar area, and at least a sliver for
/// anything above zero so that a small value is not mistaken for none.
pub fn bar_length(value: u64, max: u64) -> u32 {
    if value == 0 || max == 0 {
        return 0;
    }
    let scaled = u128::from(value.min(max)) * u128::from(BAR_AREA) / u128::from(max);
    u32::try_from(scaled).unwrap_or(BAR_AREA).max(2)
}

fn short(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let mut cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    cut = cut.trim_end().to_owned();
    cut.push('…');
    cut
}

// The chart is our own template, escaped as it renders: safe to embed.
impl askama::filters::HtmlSafe for BarChart {}

impl BarChart {
    /// Bars scaled to the largest value, or to `scale` when given (100 for
    /// percentages), with an optional marker at `marker.0` on that scale.
    pub fn new(
        id: impl Into<String>,
        title: impl Into<String>,
        description: impl Into<String>,
        data: Vec<Datum>,
        scale: Option<u64>,
        marker: Option<(u64, String)>,
    ) -> Self {
        let max = scale.unwrap_or_else(|| data.iter().map(|d| d.value).max().unwrap_or(0));
        let top = if marker.is_some() { 28 } else { 8 };
        let bars: Vec<Bar> = data
            .into_iter()
            .zip(0u32..)
            .map(|(d, i)| {
                let y = top + i * (BAR_HEIGHT + GAP);
                let width = bar_length(d.value, max);
                Bar {
                    label: short(&d.label),
                    value_label: d.value_label,
                    fill: d.fill,
                    y,
                    text_y: y + 19,
                    width,
                    value_x: LABEL_WIDTH + width + 6,
                }
            })
            .collect();
        let rows = u32::try_from(bars.len()).unwrap_or(0);
        let height = top + rows * (BAR_HEIGHT + GAP) + 4;
        BarChart {
            id: id.into(),
            title: title.into(),
            description: description.into(),
            marker: marker.map(|(at, label)| Marker {
                x: LABEL_WIDTH + bar_length(at, max.max(1)),
                label,
            }),
            bars,
            top,
            height,
            axis_x: LABEL_WIDTH,
            width: WIDTH,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn bars_are_proportional_and_bounded() {
        assert_eq!(bar_length(0, 10), 0);
        assert_eq!(bar_length(5, 0), 0);
        assert_eq!(bar_length(10, 10), BAR_AREA);
        assert_eq!(bar_length(5, 10), BAR_AREA / 2);
        assert_eq!(bar_length(20, 10), BAR_AREA, "never beyond the area");
        assert_eq!(bar_length(1, 1_000_000), 2, "a sliver, not nothing");
        assert_eq!(bar_length(u64::MAX, u64::MAX), BAR_AREA);
    }

    #[test]
    fn long_labels_are_shortened() {
        assert_eq!(short("Waste"), "Waste");
        let long = "Adult social care and health integration";
        let s = short(long);
        assert!(s.chars().count() <= LABEL_CHARS);
        assert!(s.ends_with('…'));
    }

    #[test]
    fn the_chart_is_an_image_with_a_name_and_hostile_text_is_inert() {
        let chart = BarChart::new(
            "stages",
            "Ideas by stage",
            "Bar chart; the table beside it has the figures.",
            vec![
                Datum::new("<script>alert(1)</script>", 3, "3"),
                Datum::new("Pilot", 1, "1").fill(GREEN),
            ],
            None,
            Some((2, "Target".into())),
        );
        let svg = chart.render().unwrap();
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="stages-title stages-desc""#));
        assert!(svg.contains("<title id=\"stages-title\">Ideas by stage</title>"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(&format!(r#"width="{BAR_AREA}""#)));
        assert!(svg.contains(GREEN));
    }
}
