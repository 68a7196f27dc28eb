//! The chart of cumulative discounted net value by year, one line per
//! option, drawn as SVG on the server. Only numbers are computed here; the
//! page template writes the SVG, so every name in it is escaped like any
//! other text. The data table beside the chart carries the same figures.
use beacon_core::pipeline::Pence;
use beacon_core::pipeline::appraisal::to_whole_pounds;
use rust_decimal::{Decimal, RoundingStrategy};

pub const WIDTH: i64 = 480;
const LEFT: i64 = 100;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const PLOT_HEIGHT: i64 = 260;
/// Below the plot: year labels and the axis title.
const AXIS_SPACE: i64 = 56;
const LEGEND_ROW: i64 = 26;

/// Colours from the GOV.UK palette with at least 3:1 contrast on white; each
/// series also has its own dash pattern and marker, so colour is never the
/// only difference.
const COLOURS: [&str; 8] = [
    "#1d70b8", "#d4351c", "#00703c", "#4c2c92", "#0b0c0c", "#912b88", "#003078", "#505a5f",
];
const DASHES: [&str; 4] = ["none", "10 5", "3 4", "14 4 3 4"];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Marker {
    Circle,
    Square,
    Triangle,
    Diamond,
}

const MARKERS: [Marker; 4] = [
    Marker::Circle,
    Marker::Square,
    Marker::Triangle,
    Marker::Diamond,
];

#[derive(Clone, Debug)]
pub struct Tick {
    pub at: String,
    pub label: String,
}

#[derive(Clone, Debug)]
pub struct Point {
    pub x: String,
    pub y: String,
}

#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    pub colour: &'static str,
    pub dash: &'static str,
    pub marker: Marker,
    /// "x,y x,y …" for the polyline: numbers only.
    pub points: String,
    pub markers: Vec<Point>,
    /// Where its legend entry sits.
    pub legend_y: i64,
}

#[derive(Clone, Debug)]
pub struct Chart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right: i64,
    pub top: i64,
    pub bottom: i64,
    pub zero_y: String,
    pub x_ticks: Vec<Tick>,
    pub y_ticks: Vec<Tick>,
    pub x_title_y: i64,
    pub series: Vec<Series>,
}

/// A step of 1, 2 or 5 times a power of ten that cuts `range` into about
/// five parts.
fn nice_step(range: i64) -> i64 {
    let raw = (range / 5).max(1);
    let mut magnitude = 1i64;
    while magnitude.saturating_mul(10) <= raw {
        magnitude *= 10;
    }
    [1, 2, 5, 10]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10 * magnitude)
}

fn one_dp(value: Decimal) -> String {
    value
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// Lay out the chart. `series` are (name, cumulative values in pence for
/// years 0..=horizon); `money` formats a tick in whole pounds.
pub fn build(series: &[(String, Vec<Decimal>)], money: impl Fn(Pence) -> String) -> Chart {
    let horizon = series
        .iter()
        .map(|(_, values)| values.len().saturating_sub(1))
        .max()
        .unwrap_or(0)
        .max(1);
    // Whole pounds, for the scale.
    let pounds: Vec<Vec<i64>> = series
        .iter()
        .map(|(_, values)| values.iter().map(|v| to_whole_pounds(*v) / 100).collect())
        .collect();
    let low = pounds.iter().flatten().copied().min().unwrap_or(0).min(0);
    let high = pounds.iter().flatten().copied().max().unwrap_or(0).max(0);
    let step = nice_step((high - low).max(1));
    let lo = low.div_euclid(step) * step;
    let hi = {
        let h = -((-high).div_euclid(step) * step);
        if h == lo { lo + step } else { h }
    };
    let plot_width = WIDTH - LEFT - RIGHT;
    let x = |year: usize| {
        Decimal::from(LEFT)
            + Decimal::from(plot_width) * Decimal::from(year as i64) / Decimal::from(horizon as i64)
    };
    let y = |value: Decimal| {
        let pounds = value / Decimal::ONE_HUNDRED;
        Decimal::from(TOP)
            + (Decimal::from(hi) - pounds) * Decimal::from(PLOT_HEIGHT) / Decimal::from(hi - lo)
    };
    let bottom = TOP + PLOT_HEIGHT;
    let x_every = match horizon {
        0..=10 => 1,
        11..=30 => 5,
        _ => 10,
    };
    let x_ticks = (0..=horizon)
        .filter(|year| year % x_every == 0 || *year == horizon)
        .map(|year| Tick {
            at: one_dp(x(year)),
            label: year.to_string(),
        })
        .collect();
    let mut y_ticks = Vec::new();
    let mut v = lo;
    while v <= hi {
        y_ticks.push(Tick {
            at: one_dp(y(Decimal::from(v) * Decimal::ONE_HUNDRED)),
            label: money(v * 100),
        });
        v += step;
    }
    let mark_every = if horizon <= 15 { 1 } else { 5 };
    let legend_top = bottom + AXIS_SPACE;
    let series = series
        .iter()
        .enumerate()
        .map(|(i, (name, values))| {
            let points = values
                .iter()
                .enumerate()
                .map(|(year, v)| format!("{},{}", one_dp(x(year)), one_dp(y(*v))))
                .collect::<Vec<_>>()
                .join(" ");
            let markers = values
                .iter()
                .enumerate()
                .filter(|(year, _)| year % mark_every == 0 || *year + 1 == values.len())
                .map(|(year, v)| Point {
                    x: one_dp(x(year)),
                    y: one_dp(y(*v)),
                })
                .collect();
            Series {
                name: name.clone(),
                colour: COLOURS[i % COLOURS.len()],
                dash: DASHES[i % DASHES.len()],
                marker: MARKERS[i % MARKERS.len()],
                points,
                markers,
                legend_y: legend_top + LEGEND_ROW * i as i64 + LEGEND_ROW / 2,
            }
        })
        .collect::<Vec<_>>();
    Chart {
        width: WIDTH,
        height: legend_top + LEGEND_ROW * series.len() as i64 + 8,
        left: LEFT,
        right: WIDTH - RIGHT,
        top: TOP,
        bottom,
        zero_y: one_dp(y(Decimal::ZERO)),
        x_ticks,
        y_ticks,
        x_title_y: bottom + 44,
        series,
    }
}

impl Marker {
    pub fn is_circle(&self) -> bool {
        *self == Marker::Circle
    }

    /// A path for the marker centred on (x, y); circles are drawn as circles.
    fn path(self, x: &str, y: &str) -> String {
        let shape = match self {
            Marker::Circle | Marker::Square => "m -5 -5 h 10 v 10 h -10 z",
            Marker::Triangle => "m 0 -6 l 6 10 l -12 0 z",
            Marker::Diamond => "m 0 -7 l 7 7 l -7 7 l -7 -7 z",
        };
        format!("M {x} {y} {shape}")
    }
}

impl Point {
    pub fn shape(&self, marker: &Marker) -> String {
        marker.path(&self.x, &self.y)
    }
}

impl Series {
    /// The marker of its legend entry, centred at `x`.
    pub fn legend_marker(&self, x: i64) -> String {
        self.marker.path(&x.to_string(), &self.legend_y.to_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use rust_decimal::dec;

    #[test]
    fn steps_are_one_two_or_five_times_a_power_of_ten() {
        assert_eq!(nice_step(1), 1);
        assert_eq!(nice_step(9), 1);
        assert_eq!(nice_step(12), 2);
        assert_eq!(nice_step(100), 20);
        assert_eq!(nice_step(270_000), 100_000);
        assert_eq!(nice_step(1_000_000), 200_000);
    }

    #[test]
    fn the_scale_covers_zero_and_every_value() {
        let chart = build(
            &[
                ("A".into(), vec![dec!(-1_000_000), dec!(500_000)]),
                ("B".into(), vec![dec!(0), dec!(2_500_000)]),
            ],
            |p| format!("{}", p / 100),
        );
        let labels: Vec<_> = chart.y_ticks.iter().map(|t| t.label.clone()).collect();
        // −£10,000 to £25,000 in steps of £10,000.
        assert_eq!(labels, vec!["-10000", "0", "10000", "20000", "30000"]);
        assert_eq!(chart.y_ticks.last().unwrap().at, "16");
        assert_eq!(chart.y_ticks.first().unwrap().at, "276");
        assert_eq!(chart.series[0].points, "100,276 464,178.5");
        assert_eq!(chart.series.len(), 2);
        assert_ne!(chart.series[0].dash, chart.series[1].dash);
    }

    #[test]
    fn an_empty_chart_still_has_a_scale() {
        let chart = build(&[("A".into(), vec![Decimal::ZERO])], |p| p.to_string());
        assert_eq!(chart.y_ticks.len(), 2);
        assert_eq!(chart.x_ticks.len(), 2);
    }
}
