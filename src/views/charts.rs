//! Server-rendered SVG charts, embedded inline in pages with `{{ svg|safe }}`.
//!
//! These are the one place where markup is built from strings in Rust: a template
//! is a poor tool for geometry. The price is that every piece of caller text goes
//! through [`esc`] before it is written, and the tests parse the output as XML.
//!
//! Every chart has a fixed logical size in its `viewBox` and `width="100%"`, so it
//! scales with its container. Colours come from CSS classes (see the "Charts"
//! section of `static/css/app.css`) with `fill`/`stroke` attributes as a fallback,
//! so a chart still prints in colour, or in sensible greys, without the stylesheet.
//! There is no script, no `style` attribute (the CSP forbids inline styles), no
//! `foreignObject` and no web font: text inherits the page's font.
//!
//! Output is deterministic: the same input gives byte-for-byte the same SVG.

use std::fmt::Write;

/// One stage of a [`funnel`].
#[derive(Debug, Clone, PartialEq)]
pub struct FunnelStep {
    /// The stage's name, shown left of its bar.
    pub label: String,
    /// How many are in the stage; the bar's width is proportional to it.
    pub count: i64,
    /// The share (0..1) that went on to the next stage; ignored on the last step.
    pub rate_to_next: Option<f64>,
    /// Where clicking the stage goes (e.g. the page filtered to it); a URL the app
    /// built, not user input.
    pub href: Option<String>,
}

/// One row of [`bars`].
#[derive(Debug, Clone, PartialEq)]
pub struct BarRow {
    /// The row's name, shown left of its bar.
    pub label: String,
    /// The bar's length; negative or non-finite values draw as zero.
    pub value: f64,
    /// The value as the page wants it read (e.g. "42 天"), shown after the bar.
    pub display: String,
}

/// One series of [`grouped_columns`]: one column in every category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// The series' name in the legend.
    pub name: String,
    /// One value per category, in the same order; `None` draws nothing and is
    /// labelled "—". Missing trailing values count as `None`.
    pub values: Vec<Option<f64>>,
    /// The CSS class that colours the columns, e.g. `chart-bar` or `chart-bar-alt`.
    pub class: &'static str,
}

/// The text shown for a missing value.
const DASH: &str = "—";

/// Fallback colours, the same as the stylesheet's, for when it is not applied.
const INK: &str = "#1d2733";
const MUTED: &str = "#5b6b7c";
const GRID: &str = "#d9e1ea";
const ON_BAR: &str = "#ffffff";

/// The fallback fill of a bar class; unknown classes print grey.
fn class_fill(class: &str) -> &'static str {
    match class {
        "chart-bar" => "#0b5cab",
        "chart-bar-alt" => "#9dbfe3",
        "chart-bar-ok" => "#1b7f4b",
        "chart-bar-warn" => "#c98a1b",
        _ => "#8a98a8",
    }
}

// ---------------------------------------------------------------------------
// Funnel

const FUNNEL_W: f64 = 720.0;
const FUNNEL_LABEL_RIGHT: f64 = 190.0;
const FUNNEL_BAR_LEFT: f64 = 210.0;
const FUNNEL_BAR_MAX: f64 = 500.0;
const FUNNEL_BAR_H: f64 = 30.0;
const FUNNEL_GAP: f64 = 24.0;
const FUNNEL_PAD: f64 = 6.0;
/// The narrowest a non-zero bar is drawn, so that a stage with 1 of 10 000 shows.
const FUNNEL_MIN_W: f64 = 4.0;

/// A funnel: one horizontal bar per stage, centred, as wide as its count relative
/// to the largest, with the conversion into the next stage between bars.
///
/// A zero count draws as a thin outline. When a step has an `href`, its row is a
/// link; the chart is then a `role="group"` so that the links stay reachable by
/// assistive technology (an `img` hides its children).
pub fn funnel(title: &str, steps: &[FunnelStep]) -> String {
    let n = steps.len();
    let height = if n == 0 {
        40.0
    } else {
        FUNNEL_PAD * 2.0 + n as f64 * FUNNEL_BAR_H + (n - 1) as f64 * FUNNEL_GAP
    };
    let linked = steps.iter().any(|s| s.href.is_some());
    let desc = steps
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let rate = if i + 1 < n {
                format!(" (↓ {})", percent(s.rate_to_next))
            } else {
                String::new()
            };
            format!("{}: {}{rate}", s.label, s.count)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let role = if linked { "group" } else { "img" };
    let mut out = open("chart-funnel", title, &desc, FUNNEL_W, height, role);
    if n == 0 {
        empty_text(&mut out, FUNNEL_W, height, DASH);
        out.push_str("</svg>");
        return out;
    }

    let max = steps.iter().map(|s| s.count.max(0)).max().unwrap_or(0);
    let centre = FUNNEL_BAR_LEFT + FUNNEL_BAR_MAX / 2.0;
    for (i, step) in steps.iter().enumerate() {
        let count = step.count.max(0);
        let top = FUNNEL_PAD + i as f64 * (FUNNEL_BAR_H + FUNNEL_GAP);
        let mid = top + FUNNEL_BAR_H / 2.0;
        let width = funnel_width(count, max);
        let left = centre - width / 2.0;

        if let Some(href) = &step.href {
            let _ = write!(out, r#"<a href="{}">"#, esc(href));
        }
        let _ = write!(
            out,
            "<g><title>{}: {}</title>",
            esc(&step.label),
            step.count
        );
        let label = fit(&step.label, FUNNEL_LABEL_RIGHT - 4.0, 13.0);
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text>"#,
            num(FUNNEL_LABEL_RIGHT),
            num(mid + 4.5),
            esc(&label)
        );
        if count == 0 {
            let _ = write!(
                out,
                r#"<rect class="chart-bar-empty" x="{}" y="{}" width="{}" height="{}" fill="none" stroke="{MUTED}" stroke-width="1"/>"#,
                num(left),
                num(top + 0.5),
                num(width),
                num(FUNNEL_BAR_H - 1.0)
            );
        } else {
            let _ = write!(
                out,
                r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                num(left),
                num(top),
                num(width),
                num(FUNNEL_BAR_H),
                class_fill("chart-bar")
            );
        }
        let text = step.count.to_string();
        if width >= text_width(&text, 13.0) + 12.0 {
            let _ = write!(
                out,
                r#"<text class="chart-value" x="{}" y="{}" text-anchor="middle" fill="{ON_BAR}">{text}</text>"#,
                num(centre),
                num(mid + 4.5)
            );
        } else {
            let _ = write!(
                out,
                r#"<text class="chart-value-out" x="{}" y="{}" fill="{INK}">{text}</text>"#,
                num(left + width + 6.0),
                num(mid + 4.5)
            );
        }
        out.push_str("</g>");
        if step.href.is_some() {
            out.push_str("</a>");
        }

        if i + 1 < n {
            let _ = write!(
                out,
                r#"<text class="chart-rate" x="{}" y="{}" text-anchor="middle" font-size="14" fill="{MUTED}">↓ {}</text>"#,
                num(centre),
                num(top + FUNNEL_BAR_H + FUNNEL_GAP / 2.0 + 4.0),
                percent(step.rate_to_next)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// A funnel bar's width: proportional to `count / max`, never thinner than the
/// minimum, and the minimum (drawn as an outline) for zero.
fn funnel_width(count: i64, max: i64) -> f64 {
    if count <= 0 || max <= 0 {
        return FUNNEL_MIN_W;
    }
    (FUNNEL_BAR_MAX * count as f64 / max as f64).max(FUNNEL_MIN_W)
}

// ---------------------------------------------------------------------------
// Horizontal bars

const BARS_W: f64 = 720.0;
const BARS_LABEL_RIGHT: f64 = 190.0;
const BARS_LEFT: f64 = 200.0;
const BARS_MAX: f64 = 440.0;
const BARS_H: f64 = 18.0;
const BARS_ROW: f64 = 28.0;
const BARS_PAD: f64 = 6.0;
const BARS_MIN_W: f64 = 2.0;

/// Horizontal bars on a scale from 0 to the largest value, each followed by its
/// `display` text (e.g. median days in each stage).
///
/// With no rows, the chart shows `empty_text` instead. When every value is zero
/// the rows still show, with no bars.
pub fn bars(title: &str, rows: &[BarRow], empty_text: &str) -> String {
    let desc = rows
        .iter()
        .map(|r| format!("{}: {}", r.label, r.display))
        .collect::<Vec<_>>()
        .join("; ");
    if rows.is_empty() {
        let height = 60.0;
        let mut out = open("chart-bars", title, empty_text, BARS_W, height, "img");
        self::empty_text(&mut out, BARS_W, height, empty_text);
        out.push_str("</svg>");
        return out;
    }
    let height = BARS_PAD * 2.0 + rows.len() as f64 * BARS_ROW;
    let mut out = open("chart-bars", title, &desc, BARS_W, height, "img");
    let max = rows.iter().map(|r| clean(r.value)).fold(0.0, f64::max);
    for (i, row) in rows.iter().enumerate() {
        let top = BARS_PAD + i as f64 * BARS_ROW + (BARS_ROW - BARS_H) / 2.0;
        let baseline = top + BARS_H / 2.0 + 4.5;
        let value = clean(row.value);
        let width = if value > 0.0 && max > 0.0 {
            (BARS_MAX * value / max).max(BARS_MIN_W)
        } else {
            0.0
        };
        let _ = write!(
            out,
            "<g><title>{}: {}</title>",
            esc(&row.label),
            esc(&row.display)
        );
        let label = fit(&row.label, BARS_LABEL_RIGHT - 4.0, 13.0);
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{}" y="{}" text-anchor="end" fill="{INK}">{}</text>"#,
            num(BARS_LABEL_RIGHT),
            num(baseline),
            esc(&label)
        );
        if width > 0.0 {
            let _ = write!(
                out,
                r#"<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                num(BARS_LEFT),
                num(top),
                num(width),
                num(BARS_H),
                class_fill("chart-bar")
            );
        }
        let _ = write!(
            out,
            r#"<text class="chart-value-out" x="{}" y="{}" fill="{INK}">{}</text></g>"#,
            num(BARS_LEFT + width + 6.0),
            num(baseline),
            esc(&row.display)
        );
    }
    let _ = write!(
        out,
        r#"<line class="chart-axis" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="{MUTED}" stroke-width="1"/>"#,
        num(BARS_PAD),
        num(height - BARS_PAD),
        x = num(BARS_LEFT)
    );
    out.push_str("</svg>");
    out
}

// ---------------------------------------------------------------------------
// Grouped columns

const COLS_W: f64 = 720.0;
const COLS_H: f64 = 300.0;
const COLS_LEFT: f64 = 56.0;
const COLS_RIGHT: f64 = 712.0;
const COLS_TOP: f64 = 44.0;
const COLS_BOTTOM: f64 = 272.0;
/// The share of a category's width left empty between groups.
const COLS_GROUP_GAP: f64 = 0.25;
const COLS_TICKS: usize = 5;

/// Vertical columns grouped by category, one per series (e.g. plan target and
/// actual per stage), with a legend, gridlines at round steps and each value above
/// its column.
///
/// The y axis runs from 0 to the first gridline at or above the largest value;
/// negative values draw as zero-height columns but keep their label.
pub fn grouped_columns(title: &str, categories: &[String], series: &[Series]) -> String {
    let value = |s: &Series, c: usize| s.values.get(c).copied().flatten();
    let desc = categories
        .iter()
        .enumerate()
        .map(|(c, cat)| {
            let vals = series
                .iter()
                .map(|s| format!("{} {}", s.name, value_text(value(s, c))))
                .collect::<Vec<_>>()
                .join(", ");
            format!("{cat}: {vals}")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open("chart-columns", title, &desc, COLS_W, COLS_H, "img");

    // Legend, left to right above the plot.
    let mut x = COLS_LEFT;
    for s in series {
        let _ = write!(
            out,
            r#"<rect class="{}" x="{}" y="8" width="12" height="12" fill="{}"/><text class="chart-legend" x="{}" y="18.5" fill="{INK}">{}</text>"#,
            esc(s.class),
            num(x),
            class_fill(s.class),
            num(x + 16.0),
            esc(&s.name)
        );
        x += 16.0 + text_width(&s.name, 13.0) + 18.0;
    }

    // Scale and gridlines.
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .map(|&v| clean(v))
        .fold(0.0, f64::max);
    let step = nice_step(max, COLS_TICKS);
    let ticks = ((max / step - 1e-9).ceil() as usize).max(1);
    let top_value = ticks as f64 * step;
    let plot_h = COLS_BOTTOM - COLS_TOP;
    let y_of = |v: f64| COLS_BOTTOM - plot_h * clean(v) / top_value;
    let decimals = step_decimals(step);
    for t in 0..=ticks {
        let v = t as f64 * step;
        let y = y_of(v);
        if t > 0 {
            let _ = write!(
                out,
                r#"<line class="chart-grid" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{GRID}" stroke-width="1"/>"#,
                num(COLS_LEFT),
                num(COLS_RIGHT),
                y = num(y)
            );
        }
        let _ = write!(
            out,
            r#"<text class="chart-tick" x="{}" y="{}" text-anchor="end" font-size="14" fill="{MUTED}">{}</text>"#,
            num(COLS_LEFT - 6.0),
            num(y + 4.0),
            fmt_dec(v, decimals)
        );
    }

    // Columns.
    let n_cat = categories.len().max(1);
    let group_w = (COLS_RIGHT - COLS_LEFT) / n_cat as f64;
    let col_w = group_w * (1.0 - COLS_GROUP_GAP) / series.len().max(1) as f64;
    for (c, cat) in categories.iter().enumerate() {
        let group_left = COLS_LEFT + c as f64 * group_w + group_w * COLS_GROUP_GAP / 2.0;
        out.push_str("<g>");
        for (i, s) in series.iter().enumerate() {
            let v = value(s, c);
            let x = group_left + i as f64 * col_w;
            let cx = x + col_w / 2.0;
            let _ = write!(
                out,
                "<g><title>{}, {}: {}</title>",
                esc(cat),
                esc(&s.name),
                value_text(v)
            );
            if let Some(v) = v {
                let y = y_of(v);
                if COLS_BOTTOM - y > 0.0 {
                    let _ = write!(
                        out,
                        r#"<rect class="{}" x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
                        esc(s.class),
                        num(x),
                        num(y),
                        num(col_w),
                        num(COLS_BOTTOM - y),
                        class_fill(s.class)
                    );
                }
                let _ = write!(
                    out,
                    r#"<text class="chart-value-out" x="{}" y="{}" text-anchor="middle" font-size="14" fill="{INK}">{}</text>"#,
                    num(cx),
                    num(y - 4.0),
                    value_text(Some(v))
                );
            } else {
                let _ = write!(
                    out,
                    r#"<text class="chart-value-out" x="{}" y="{}" text-anchor="middle" font-size="14" fill="{MUTED}">{DASH}</text>"#,
                    num(cx),
                    num(COLS_BOTTOM - 4.0)
                );
            }
            out.push_str("</g>");
        }
        let label = fit(cat, group_w - 4.0, 12.0);
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{}" y="{}" text-anchor="middle" font-size="15" fill="{INK}">{}</text></g>"#,
            num(COLS_LEFT + (c as f64 + 0.5) * group_w),
            num(COLS_BOTTOM + 18.0),
            esc(&label)
        );
    }
    let _ = write!(
        out,
        r#"<line class="chart-axis" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{MUTED}" stroke-width="1"/>"#,
        num(COLS_LEFT),
        num(COLS_RIGHT),
        y = num(COLS_BOTTOM)
    );
    out.push_str("</svg>");
    out
}

/// A gridline step of 1, 2 or 5 × 10^k: the smallest such that `span` needs at
/// most `max_ticks` steps. 1 for an empty or invalid span.
fn nice_step(span: f64, max_ticks: usize) -> f64 {
    if !span.is_finite() || span <= 0.0 || max_ticks == 0 {
        return 1.0;
    }
    let raw = span / max_ticks as f64;
    let exp = raw.log10().floor() as i32;
    let base = 10f64.powi(exp);
    let frac = raw / base;
    // A little slack so that 2.0000000000000004 still counts as 2.
    let nice = [1.0, 2.0, 5.0]
        .into_iter()
        .find(|&m| frac <= m * (1.0 + 1e-9))
        .unwrap_or(10.0);
    // Dividing by an exact power of ten keeps 0.2 as 0.2, not 0.20000000000000004.
    if exp < 0 {
        nice / 10f64.powi(-exp)
    } else {
        nice * base
    }
}

/// How many decimals the multiples of a gridline step need: 0 for 5, 1 for 0.2.
fn step_decimals(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil() as usize
    }
}

// ---------------------------------------------------------------------------
// Radar

/// One series of a [`radar`]: one closed polygon over the axes.
#[derive(Debug, Clone, PartialEq)]
pub struct RadarSeries {
    /// The series' name in the legend.
    pub label: String,
    /// The CSS class that colours the series, e.g. `chart-bar` or `chart-bar-alt`.
    pub class: &'static str,
    /// One score (0..100) per axis, in the same order; `None` (or a non-finite
    /// value) is missing. Missing trailing values count as `None`.
    pub values: Vec<Option<f64>>,
}

const RADAR_W: f64 = 720.0;
const RADAR_R: f64 = 130.0;
const RADAR_CX: f64 = RADAR_W / 2.0;
const RADAR_CY: f64 = 34.0 + RADAR_R;
/// How far outside the outer ring the axis labels start.
const RADAR_LABEL_GAP: f64 = 10.0;
const RADAR_LABEL_FONT: f64 = 13.0;
/// The widest a label centred above or below the chart may be.
const RADAR_LABEL_MAX_MIDDLE: f64 = 220.0;
const RADAR_LEGEND_TOP: f64 = RADAR_CY + RADAR_R + 44.0;
const RADAR_LEGEND_ROW: f64 = 22.0;
/// The fixed scale of a radar: development index scores run from 0 to 100.
const SCORE_MAX: f64 = 100.0;
const SCORE_STEP: f64 = 20.0;

/// A radar (spider) chart of scores on a fixed 0..100 scale: one spoke per axis,
/// starting at 12 o'clock and going clockwise, rings at every 20 points, and one
/// closed, semi-transparent polygon per series with a dot at each vertex. The
/// legend sits below.
///
/// A missing value is not drawn as a score: it shows as a hollow marker at the
/// axis' zero (the centre) titled "axis: `missing_text`", and the series' polygon
/// skips that vertex, joining its neighbours. Values are clamped to 0..100 for
/// drawing; the titles show them as given, to one decimal.
///
/// With fewer than 3 axes, or no series with any value, the chart shows
/// `empty_text` instead.
pub fn radar(
    title: &str,
    axes: &[String],
    series: &[RadarSeries],
    missing_text: &str,
    empty_text: &str,
) -> String {
    let value =
        |s: &RadarSeries, a: usize| s.values.get(a).copied().flatten().filter(|v| v.is_finite());
    let n = axes.len();
    let any_value = series.iter().any(|s| (0..n).any(|a| value(s, a).is_some()));
    if n < 3 || !any_value {
        let height = 60.0;
        let mut out = open("chart-radar", title, empty_text, RADAR_W, height, "img");
        self::empty_text(&mut out, RADAR_W, height, empty_text);
        out.push_str("</svg>");
        return out;
    }

    let desc = series
        .iter()
        .map(|s| {
            let vals = axes
                .iter()
                .enumerate()
                .map(|(a, axis)| {
                    let v = value(s, a).map_or_else(|| missing_text.to_string(), score_text);
                    format!("{axis} {v}")
                })
                .collect::<Vec<_>>()
                .join(", ");
            format!("{}: {vals}", s.label)
        })
        .collect::<Vec<_>>()
        .join("; ");
    let legend = legend_rows(series.iter().map(|s| s.label.as_str()), RADAR_W - 48.0);
    let height = RADAR_LEGEND_TOP + legend.len() as f64 * RADAR_LEGEND_ROW + 4.0;
    let mut out = open("chart-radar", title, &desc, RADAR_W, height, "img");

    // The unit vector of axis `a`: 12 o'clock first, then clockwise.
    let dir = |a: usize| {
        let angle = std::f64::consts::TAU * a as f64 / n as f64;
        (angle.sin(), -angle.cos())
    };
    let point = |a: usize, r: f64| {
        let (dx, dy) = dir(a);
        (RADAR_CX + r * dx, RADAR_CY + r * dy)
    };
    let radius = |v: f64| RADAR_R * clean(v).min(SCORE_MAX) / SCORE_MAX;
    let points = |pts: &[(f64, f64)]| {
        pts.iter()
            .map(|&(x, y)| format!("{},{}", num(x), num(y)))
            .collect::<Vec<_>>()
            .join(" ")
    };

    // Rings, spokes and the scale along the first spoke.
    let rings = (SCORE_MAX / SCORE_STEP).round() as usize;
    for t in 1..=rings {
        let r = RADAR_R * t as f64 / rings as f64;
        let ring: Vec<_> = (0..n).map(|a| point(a, r)).collect();
        let _ = write!(
            out,
            r#"<polygon class="chart-grid" points="{}" fill="none" stroke="{GRID}" stroke-width="1"/>"#,
            points(&ring)
        );
    }
    for a in 0..n {
        let (x, y) = point(a, RADAR_R);
        let _ = write!(
            out,
            r#"<line class="chart-grid" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{GRID}" stroke-width="1"/>"#,
            num(RADAR_CX),
            num(RADAR_CY),
            num(x),
            num(y)
        );
    }
    for t in 1..=rings {
        let r = RADAR_R * t as f64 / rings as f64;
        let _ = write!(
            out,
            r#"<text class="chart-tick" x="{}" y="{}" font-size="11" fill="{MUTED}">{}</text>"#,
            num(RADAR_CX + 4.0),
            num(RADAR_CY - r + 4.0),
            fmt_dec(t as f64 * SCORE_STEP, 0)
        );
    }

    // Axis labels, outside the outer ring, anchored away from the chart.
    for (a, axis) in axes.iter().enumerate() {
        let (dx, dy) = dir(a);
        let (x, y) = point(a, RADAR_R + RADAR_LABEL_GAP);
        let (anchor, room) = if dx.abs() < 0.15 {
            let room = (2.0 * x.min(RADAR_W - x) - 12.0).min(RADAR_LABEL_MAX_MIDDLE);
            ("middle", room)
        } else if dx > 0.0 {
            ("start", RADAR_W - x - 6.0)
        } else {
            ("end", x - 6.0)
        };
        // Above the point at the top, below it at the bottom, centred on it at the sides.
        let baseline = y + 4.5 + 9.0 * dy;
        let label = fit(axis, room, RADAR_LABEL_FONT);
        let _ = write!(
            out,
            r#"<g><title>{}</title><text class="chart-label" x="{}" y="{}" text-anchor="{anchor}" font-size="{}" fill="{INK}">{}</text></g>"#,
            esc(axis),
            num(x),
            num(baseline),
            num(RADAR_LABEL_FONT),
            esc(&label)
        );
    }

    // Series: the polygon of the present values, then a marker per axis.
    for s in series {
        let class = esc(s.class);
        let colour = class_fill(s.class);
        let present: Vec<_> = (0..n)
            .filter_map(|a| value(s, a).map(|v| point(a, radius(v))))
            .collect();
        out.push_str("<g>");
        if present.len() >= 2 {
            let _ = write!(
                out,
                r#"<polygon class="chart-area {class}" points="{}" fill="{colour}" fill-opacity="0.2" stroke="{colour}" stroke-width="2" stroke-linejoin="round"/>"#,
                points(&present)
            );
        }
        for (a, axis) in axes.iter().enumerate() {
            match value(s, a) {
                Some(v) => {
                    let (x, y) = point(a, radius(v));
                    let _ = write!(
                        out,
                        r#"<circle class="chart-vertex {class}" cx="{}" cy="{}" r="3.5" fill="{colour}" stroke="{ON_BAR}" stroke-width="1"><title>{}: {}</title></circle>"#,
                        num(x),
                        num(y),
                        esc(axis),
                        score_text(v)
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        r#"<circle class="chart-missing {class}" cx="{}" cy="{}" r="4" fill="{ON_BAR}" stroke="{colour}" stroke-width="1.5"><title>{}: {}</title></circle>"#,
                        num(RADAR_CX),
                        num(RADAR_CY),
                        esc(axis),
                        esc(missing_text)
                    );
                }
            }
        }
        out.push_str("</g>");
    }

    // Legend, centred below.
    for (row, items) in legend.iter().enumerate() {
        let width: f64 = items.iter().map(|&(_, w)| w).sum::<f64>() - LEGEND_GAP;
        let mut x = (RADAR_W - width) / 2.0;
        let top = RADAR_LEGEND_TOP + row as f64 * RADAR_LEGEND_ROW;
        for &(i, w) in items {
            let s = &series[i];
            let _ = write!(
                out,
                r#"<rect class="{}" x="{}" y="{}" width="12" height="12" fill="{}"/><text class="chart-legend" x="{}" y="{}" fill="{INK}">{}</text>"#,
                esc(s.class),
                num(x),
                num(top),
                class_fill(s.class),
                num(x + 16.0),
                num(top + 10.5),
                esc(&s.label)
            );
            x += w;
        }
    }
    out.push_str("</svg>");
    out
}

/// The space after a legend entry, before the next.
const LEGEND_GAP: f64 = 18.0;
/// The size legend text is drawn at: the chart's own font size, which it inherits.
const LEGEND_FONT: f64 = 17.0;

/// Legend entries (index, width including the gap after it) broken into rows no
/// wider than `max_width`; an entry wider than a row gets a row of its own.
fn legend_rows<'a>(names: impl Iterator<Item = &'a str>, max_width: f64) -> Vec<Vec<(usize, f64)>> {
    let mut rows: Vec<Vec<(usize, f64)>> = Vec::new();
    let mut used = 0.0;
    for (i, name) in names.enumerate() {
        let w = 16.0 + text_width(name, LEGEND_FONT) + LEGEND_GAP;
        match rows.last_mut() {
            Some(row) if used + w - LEGEND_GAP <= max_width => {
                row.push((i, w));
                used += w;
            }
            _ => {
                rows.push(vec![(i, w)]);
                used = w;
            }
        }
    }
    rows
}

// ---------------------------------------------------------------------------
// Trend

/// One period of a [`trend`].
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    /// The period, e.g. "2025" or "2025Q3", shown under the x axis.
    pub label: String,
    /// The score (0..100) in the period; `None` (or non-finite) breaks the line.
    pub value: Option<f64>,
    /// The reference score (e.g. the peer median) in the period, drawn dashed.
    pub reference: Option<f64>,
}

const TREND_W: f64 = 720.0;
const TREND_H: f64 = 300.0;
const TREND_LEFT: f64 = 56.0;
const TREND_RIGHT: f64 = 712.0;
const TREND_TOP: f64 = 44.0;
const TREND_BOTTOM: f64 = 272.0;
const TREND_FONT: f64 = 12.0;

/// A line chart of a score over periods, on a fixed 0..100 scale with gridlines
/// every 20 points: the periods evenly spaced left to right in the order given,
/// the score as a solid line with a dot and its value (one decimal) at each
/// period, and the reference (when any period has one) as a dashed line. The
/// legend names them `series_label` and `reference_label`.
///
/// A missing value breaks its line into separate segments; it is never drawn as
/// zero. A value with no neighbour shows as a lone dot. Values are clamped to
/// 0..100 for drawing. When the periods are too narrow for their labels, only
/// every k-th is labelled; every dot keeps its `<title>`.
///
/// With no points, or no value or reference in any of them, the chart shows
/// `empty_text` instead.
pub fn trend(
    title: &str,
    points: &[TrendPoint],
    series_label: &str,
    reference_label: &str,
    empty_text: &str,
) -> String {
    let finite = |v: Option<f64>| v.filter(|v| v.is_finite());
    let values: Vec<_> = points.iter().map(|p| finite(p.value)).collect();
    let refs: Vec<_> = points.iter().map(|p| finite(p.reference)).collect();
    let has_ref = refs.iter().any(Option::is_some);
    if !has_ref && values.iter().all(Option::is_none) {
        let height = 60.0;
        let mut out = open("chart-trend", title, empty_text, TREND_W, height, "img");
        self::empty_text(&mut out, TREND_W, height, empty_text);
        out.push_str("</svg>");
        return out;
    }

    let text = |v: Option<f64>| v.map_or_else(|| DASH.to_string(), score_text);
    let desc = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut s = format!("{}: {series_label} {}", p.label, text(values[i]));
            if has_ref {
                let _ = write!(s, ", {reference_label} {}", text(refs[i]));
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut out = open("chart-trend", title, &desc, TREND_W, TREND_H, "img");
    let line_colour = class_fill("chart-bar");

    // Legend, left to right above the plot.
    let _ = write!(
        out,
        r#"<line class="chart-line" x1="{}" y1="14" x2="{}" y2="14" stroke="{line_colour}" stroke-width="2.5"/><text class="chart-legend" x="{}" y="18.5" fill="{INK}">{}</text>"#,
        num(TREND_LEFT),
        num(TREND_LEFT + 20.0),
        num(TREND_LEFT + 26.0),
        esc(series_label)
    );
    if has_ref {
        let x = TREND_LEFT + 26.0 + text_width(series_label, LEGEND_FONT) + LEGEND_GAP;
        let _ = write!(
            out,
            r#"<line class="chart-line-ref" x1="{}" y1="14" x2="{}" y2="14" stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 4"/><text class="chart-legend" x="{}" y="18.5" fill="{INK}">{}</text>"#,
            num(x),
            num(x + 20.0),
            num(x + 26.0),
            esc(reference_label)
        );
    }

    // Scale and gridlines.
    let y_of =
        |v: f64| TREND_BOTTOM - (TREND_BOTTOM - TREND_TOP) * clean(v).min(SCORE_MAX) / SCORE_MAX;
    let ticks = (SCORE_MAX / SCORE_STEP).round() as usize;
    for t in 0..=ticks {
        let v = t as f64 * SCORE_STEP;
        let y = y_of(v);
        if t > 0 {
            let _ = write!(
                out,
                r#"<line class="chart-grid" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{GRID}" stroke-width="1"/>"#,
                num(TREND_LEFT),
                num(TREND_RIGHT),
                y = num(y)
            );
        }
        let _ = write!(
            out,
            r#"<text class="chart-tick" x="{}" y="{}" text-anchor="end" font-size="14" fill="{MUTED}">{}</text>"#,
            num(TREND_LEFT - 6.0),
            num(y + 4.0),
            fmt_dec(v, 0)
        );
    }
    let _ = write!(
        out,
        r#"<line class="chart-axis" x1="{}" y1="{y}" x2="{}" y2="{y}" stroke="{MUTED}" stroke-width="1"/>"#,
        num(TREND_LEFT),
        num(TREND_RIGHT),
        y = num(TREND_BOTTOM)
    );

    // Periods: evenly spaced slots, labelled every `stride`-th when crowded.
    let slot = (TREND_RIGHT - TREND_LEFT) / points.len() as f64;
    let x_of = |i: usize| TREND_LEFT + (i as f64 + 0.5) * slot;
    let stride = |widest: f64| ((widest / slot).ceil() as usize).max(1);
    let widest_label = points
        .iter()
        .map(|p| text_width(&p.label, TREND_FONT))
        .fold(0.0, f64::max);
    let label_stride = stride(widest_label.min(120.0) + 8.0);
    for (i, p) in points.iter().enumerate() {
        if i % label_stride != 0 {
            continue;
        }
        let label = fit(&p.label, slot * label_stride as f64 - 4.0, TREND_FONT);
        let _ = write!(
            out,
            r#"<text class="chart-label" x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{INK}">{}</text>"#,
            num(x_of(i)),
            num(TREND_BOTTOM + 18.0),
            num(TREND_FONT),
            esc(&label)
        );
    }

    // The reference first, so that the score's line is drawn over it.
    if has_ref {
        for run in runs(&refs) {
            let _ = write!(
                out,
                r#"<polyline class="chart-line-ref" points="{}" fill="none" stroke="{MUTED}" stroke-width="2" stroke-dasharray="6 4"/>"#,
                polyline_points(&run, &x_of, &y_of)
            );
        }
        for (i, v) in refs.iter().enumerate() {
            if let Some(v) = *v {
                let _ = write!(
                    out,
                    r#"<circle class="chart-dot-ref" cx="{}" cy="{}" r="2.5" fill="{MUTED}"><title>{}, {}: {}</title></circle>"#,
                    num(x_of(i)),
                    num(y_of(v)),
                    esc(&points[i].label),
                    esc(reference_label),
                    score_text(v)
                );
            }
        }
    }
    for run in runs(&values) {
        let _ = write!(
            out,
            r#"<polyline class="chart-line" points="{}" fill="none" stroke="{line_colour}" stroke-width="2.5" stroke-linejoin="round"/>"#,
            polyline_points(&run, &x_of, &y_of)
        );
    }
    let value_stride = stride(text_width("100.0", TREND_FONT) + 6.0);
    for (i, v) in values.iter().enumerate() {
        let Some(v) = *v else { continue };
        let (x, y) = (x_of(i), y_of(v));
        let _ = write!(
            out,
            r#"<circle class="chart-dot" cx="{}" cy="{}" r="4" fill="{line_colour}" stroke="{ON_BAR}" stroke-width="1.5"><title>{}, {}: {}</title></circle>"#,
            num(x),
            num(y),
            esc(&points[i].label),
            esc(series_label),
            score_text(v)
        );
        if i % value_stride == 0 {
            let _ = write!(
                out,
                r#"<text class="chart-value-out" x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{INK}">{}</text>"#,
                num(x),
                num(y - 9.0),
                num(TREND_FONT),
                score_text(v)
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// The maximal runs of two or more consecutive present values, as
/// `(index, value)` pairs: each run is one unbroken stretch of line.
fn runs(values: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
    let mut out = Vec::new();
    let mut run: Vec<(usize, f64)> = Vec::new();
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => run.push((i, *v)),
            None => {
                if run.len() >= 2 {
                    out.push(std::mem::take(&mut run));
                }
                run.clear();
            }
        }
    }
    if run.len() >= 2 {
        out.push(run);
    }
    out
}

/// The `points` attribute of a polyline through a run.
fn polyline_points(
    run: &[(usize, f64)],
    x_of: &impl Fn(usize) -> f64,
    y_of: &impl Fn(f64) -> f64,
) -> String {
    run.iter()
        .map(|&(i, v)| format!("{},{}", num(x_of(i)), num(y_of(v))))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A score with exactly one decimal: 72.45 -> "72.5", 80 -> "80.0".
fn score_text(v: f64) -> String {
    let s = fmt_dec(v, 1);
    if s.contains('.') { s } else { format!("{s}.0") }
}

// ---------------------------------------------------------------------------
// Shared pieces

/// The opening `<svg>` with its accessible name, `<title>` and `<desc>`.
fn open(kind: &str, title: &str, desc: &str, width: f64, height: f64, role: &str) -> String {
    let title = esc(title);
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" viewBox="0 0 {} {}" width="100%" role="{role}" aria-label="{title}" font-family="inherit" font-size="17"><title>{title}</title>"#,
        num(width),
        num(height)
    );
    if !desc.is_empty() {
        let _ = write!(out, "<desc>{}</desc>", esc(desc));
    }
    out
}

/// A muted line of text in the middle of an empty chart.
fn empty_text(out: &mut String, width: f64, height: f64, text: &str) {
    let _ = write!(
        out,
        r#"<text class="chart-empty" x="{}" y="{}" text-anchor="middle" fill="{MUTED}">{}</text>"#,
        num(width / 2.0),
        num(height / 2.0 + 4.5),
        esc(text)
    );
}

/// Escapes text for an XML attribute or element.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and newlines are not allowed in XML.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// A value as a non-negative finite number, for drawing.
fn clean(v: f64) -> f64 {
    if v.is_finite() && v > 0.0 { v } else { 0.0 }
}

/// `x` with at most `decimals` decimals and no trailing zeros: 12.50 -> "12.5".
fn fmt_dec(x: f64, decimals: usize) -> String {
    // Integer arithmetic: exact-precision float formatting is slow, and charts format
    // hundreds of numbers per page.
    let scale = 10_i64.pow(decimals as u32);
    let n = (x * scale as f64).round() as i64;
    let (int, frac) = (n.abs() / scale, n.abs() % scale);
    let sign = if n < 0 { "-" } else { "" };
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let digits = format!("{frac:0width$}", width = decimals);
    format!("{sign}{int}.{}", digits.trim_end_matches('0'))
}

/// A coordinate, to a hundredth of a unit.
fn num(x: f64) -> String {
    fmt_dec(x, 2)
}

/// A value label: at most two decimals, or "—" when missing.
fn value_text(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => fmt_dec(v, 2),
        _ => DASH.to_string(),
    }
}

/// A rate (0..1) as a percentage with at most one decimal: 0.125 -> "12.5%",
/// 1.0 -> "100%", `None` -> "—".
fn percent(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => format!("{}%", fmt_dec(r * 100.0, 1)),
        _ => DASH.to_string(),
    }
}

/// Roughly how wide `s` is in user units at `font_size`: wide (CJK) characters
/// take a full em, others about 0.6.
fn text_width(s: &str, font_size: f64) -> f64 {
    s.chars().map(|c| char_width(c) * font_size).sum()
}

fn char_width(c: char) -> f64 {
    if c.is_ascii() { 0.6 } else { 1.0 }
}

/// `s` cut short with "…" so that it fits in `max_width`; the full text stays in
/// the row's `<title>` and the chart's `<desc>`.
fn fit(s: &str, max_width: f64, font_size: f64) -> String {
    if text_width(s, font_size) <= max_width {
        return s.to_string();
    }
    let budget = max_width - font_size; // room for the ellipsis
    let mut used = 0.0;
    let mut out = String::new();
    for c in s.chars() {
        used += char_width(c) * font_size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(label: &str, count: i64, rate: Option<f64>, href: Option<&str>) -> FunnelStep {
        FunnelStep {
            label: label.to_string(),
            count,
            rate_to_next: rate,
            href: href.map(str::to_string),
        }
    }

    fn row(label: &str, value: f64, display: &str) -> BarRow {
        BarRow {
            label: label.to_string(),
            value,
            display: display.to_string(),
        }
    }

    fn series(name: &str, values: &[Option<f64>], class: &'static str) -> Series {
        Series {
            name: name.to_string(),
            values: values.to_vec(),
            class,
        }
    }

    fn radar_series(label: &str, values: &[Option<f64>], class: &'static str) -> RadarSeries {
        RadarSeries {
            label: label.to_string(),
            class,
            values: values.to_vec(),
        }
    }

    fn point(label: &str, value: Option<f64>, reference: Option<f64>) -> TrendPoint {
        TrendPoint {
            label: label.to_string(),
            value,
            reference,
        }
    }

    /// Every element of `tag` whose class list contains `class`, in document order.
    fn elements<'a>(
        doc: &'a roxmltree::Document<'a>,
        tag: &str,
        class: &str,
    ) -> Vec<roxmltree::Node<'a, 'a>> {
        doc.descendants()
            .filter(|n| n.has_tag_name(tag))
            .filter(|n| {
                n.attribute("class")
                    .is_some_and(|c| c.split(' ').any(|c| c == class))
            })
            .collect()
    }

    fn attr(n: &roxmltree::Node, name: &str) -> f64 {
        n.attribute(name).unwrap().parse().unwrap()
    }

    /// The `points` of a polygon or polyline as (x, y) pairs.
    fn vertices(n: &roxmltree::Node) -> Vec<(f64, f64)> {
        n.attribute("points")
            .unwrap()
            .split(' ')
            .map(|p| {
                let (x, y) = p.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    /// The `<title>` text of a node.
    fn title_of(n: &roxmltree::Node) -> String {
        n.children()
            .find(|c| c.has_tag_name("title"))
            .and_then(|t| t.text())
            .unwrap_or("")
            .to_string()
    }

    fn cats(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    /// Parses the SVG, failing the test with the document when it is not well-formed.
    fn parse(svg: &str) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{e}\n{svg}"))
    }

    /// The `width` of every element with class `class`, in document order.
    fn widths(svg: &str, class: &str) -> Vec<f64> {
        parse(svg)
            .descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .map(|n| n.attribute("width").unwrap().parse().unwrap())
            .collect()
    }

    /// The text of every element with class `class`, in document order.
    fn texts(svg: &str, class: &str) -> Vec<String> {
        parse(svg)
            .descendants()
            .filter(|n| n.attribute("class") == Some(class))
            .map(|n| n.text().unwrap_or("").to_string())
            .collect()
    }

    const HOSTILE: &str = r#"<script>alert("x")</script> R&D 'co'"#;

    fn all_charts(label: &str) -> Vec<String> {
        vec![
            funnel(
                label,
                &[
                    step(label, 10, Some(0.5), Some("/p?stage=a&x=<b>")),
                    step(label, 5, None, None),
                ],
            ),
            bars(label, &[row(label, 3.0, label)], label),
            bars(label, &[], label),
            grouped_columns(
                label,
                &cats(&[label]),
                &[series(label, &[Some(1.0)], "chart-bar")],
            ),
            radar(
                label,
                &cats(&[label, label, label]),
                &[radar_series(
                    label,
                    &[Some(60.0), None, Some(80.0)],
                    "chart-bar",
                )],
                label,
                label,
            ),
            radar(label, &cats(&[label]), &[], label, label),
            trend(
                label,
                &[
                    point(label, Some(50.0), Some(40.0)),
                    point(label, None, Some(45.0)),
                    point(label, Some(70.0), None),
                ],
                label,
                label,
                label,
            ),
            trend(label, &[], label, label, label),
        ]
    }

    #[test]
    fn hostile_text_is_escaped_everywhere() {
        for svg in all_charts(HOSTILE) {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains(" R&D"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "{svg}");
            assert!(svg.contains("R&amp;D"), "{svg}");
            assert!(svg.contains("&quot;x&quot;"), "{svg}");
            let doc = parse(&svg);
            // The parsed title is the original text, so the escaping round-trips.
            let title = doc
                .root_element()
                .children()
                .find(|n| n.has_tag_name("title"))
                .unwrap();
            assert_eq!(title.text(), Some(HOSTILE));
            assert_eq!(doc.root_element().attribute("aria-label"), Some(HOSTILE));
        }
    }

    #[test]
    fn every_chart_is_well_formed_and_self_describing() {
        for svg in all_charts("计划 vs 实际") {
            let doc = parse(&svg);
            let root = doc.root_element();
            assert!(root.has_tag_name("svg"));
            assert_eq!(root.attribute("width"), Some("100%"));
            assert!(root.attribute("viewBox").is_some());
            assert!(root.attribute("role").is_some());
            assert_eq!(root.attribute("font-family"), Some("inherit"));
            assert!(svg.contains("<title>计划 vs 实际</title>"));
            assert!(!svg.contains("<script"));
            assert!(!svg.contains("foreignObject"));
            assert!(!svg.contains("style="));
        }
    }

    #[test]
    fn charts_are_deterministic() {
        assert_eq!(all_charts("a"), all_charts("a"));
    }

    #[test]
    fn control_characters_are_dropped() {
        let svg = bars("t\u{1}", &[row("a\u{0}b", 1.0, "1")], "");
        parse(&svg);
        assert!(svg.contains(">ab<"));
    }

    #[test]
    fn funnel_widths_are_proportional() {
        let svg = funnel(
            "f",
            &[step("a", 100, Some(0.5), None), step("b", 50, None, None)],
        );
        let w = widths(&svg, "chart-bar");
        assert_eq!(w, vec![500.0, 250.0]);
        assert_eq!(w[1] * 2.0, w[0]);
    }

    #[test]
    fn funnel_bars_are_centred() {
        let svg = funnel(
            "f",
            &[step("a", 100, None, None), step("b", 50, None, None)],
        );
        assert!(svg.contains(r#"x="210" y="6" width="500""#), "{svg}");
        assert!(svg.contains(r#"x="335" y="60" width="250""#), "{svg}");
    }

    #[test]
    fn funnel_tiny_counts_stay_visible() {
        let svg = funnel(
            "f",
            &[step("a", 10_000, None, None), step("b", 1, None, None)],
        );
        assert_eq!(widths(&svg, "chart-bar")[1], FUNNEL_MIN_W);
        // Too narrow for the number inside: it goes beside the bar.
        assert_eq!(texts(&svg, "chart-value"), vec!["10000"]);
        assert_eq!(texts(&svg, "chart-value-out"), vec!["1"]);
    }

    #[test]
    fn funnel_zero_is_an_outline() {
        let svg = funnel("f", &[step("a", 3, None, None), step("b", 0, None, None)]);
        assert_eq!(widths(&svg, "chart-bar").len(), 1);
        assert_eq!(widths(&svg, "chart-bar-empty"), vec![FUNNEL_MIN_W]);
        assert!(svg.contains(r#"class="chart-bar-empty""#));
        assert!(svg.contains(r#"fill="none""#));
        assert_eq!(texts(&svg, "chart-value-out"), vec!["0"]);

        let all_zero = funnel("f", &[step("a", 0, None, None), step("b", 0, None, None)]);
        assert_eq!(widths(&all_zero, "chart-bar-empty").len(), 2);
    }

    #[test]
    fn funnel_negative_count_draws_as_zero() {
        let svg = funnel("f", &[step("a", -5, None, None)]);
        assert_eq!(widths(&svg, "chart-bar-empty").len(), 1);
    }

    #[test]
    fn funnel_empty_is_well_formed() {
        let svg = funnel("f", &[]);
        parse(&svg);
        assert_eq!(texts(&svg, "chart-empty"), vec!["—"]);
    }

    #[test]
    fn funnel_rates_sit_between_bars() {
        let svg = funnel(
            "f",
            &[
                step("a", 8, Some(0.125), None),
                step("b", 1, None, None),
                step("c", 1, Some(1.0), None),
                step("d", 1, Some(0.3), None),
            ],
        );
        // One fewer than steps: the last step's rate has nowhere to go.
        assert_eq!(texts(&svg, "chart-rate"), vec!["↓ 12.5%", "↓ —", "↓ 100%"]);
    }

    #[test]
    fn funnel_href_wraps_the_row() {
        let svg = funnel(
            "f",
            &[
                step("a", 2, None, Some("/cultivation?stage=tutoring&year=2025")),
                step("b", 1, None, None),
            ],
        );
        let doc = parse(&svg);
        let links: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("a")).collect();
        assert_eq!(links.len(), 1);
        assert_eq!(
            links[0].attribute("href"),
            Some("/cultivation?stage=tutoring&year=2025")
        );
        assert!(svg.contains(r#"<a href="/cultivation?stage=tutoring&amp;year=2025">"#));
        assert!(
            links[0]
                .descendants()
                .any(|n| n.attribute("class") == Some("chart-bar"))
        );
        assert_eq!(doc.root_element().attribute("role"), Some("group"));

        let plain = funnel("f", &[step("a", 2, None, None)]);
        assert!(!plain.contains("<a "));
        assert!(plain.contains(r#"role="img""#));
    }

    #[test]
    fn funnel_hostile_href_stays_in_its_attribute() {
        let svg = funnel("f", &[step("a", 1, None, Some(r#""><script>x</script>"#))]);
        assert!(!svg.contains("<script"));
        let doc = parse(&svg);
        let a = doc.descendants().find(|n| n.has_tag_name("a")).unwrap();
        assert_eq!(a.attribute("href"), Some(r#""><script>x</script>"#));
    }

    #[test]
    fn long_labels_are_shortened_but_kept_in_titles() {
        let long = "一".repeat(40);
        let svg = funnel("f", &[step(&long, 1, None, None)]);
        let shown = &texts(&svg, "chart-label")[0];
        assert!(shown.ends_with('…'));
        assert!(text_width(shown, 13.0) <= FUNNEL_LABEL_RIGHT - 4.0);
        assert!(svg.contains(&format!("<title>{long}: 1</title>")));
    }

    #[test]
    fn bars_scale_from_zero_to_max() {
        let svg = bars(
            "b",
            &[
                row("a", 40.0, "40 天"),
                row("b", 10.0, "10 天"),
                row("c", 20.0, "20 天"),
            ],
            "无数据",
        );
        assert_eq!(widths(&svg, "chart-bar"), vec![440.0, 110.0, 220.0]);
        assert_eq!(
            texts(&svg, "chart-value-out"),
            vec!["40 天", "10 天", "20 天"]
        );
        assert_eq!(texts(&svg, "chart-label"), vec!["a", "b", "c"]);
    }

    #[test]
    fn bars_empty_shows_the_empty_text() {
        let svg = bars("b", &[], "暂无数据 <none>");
        assert_eq!(texts(&svg, "chart-empty"), vec!["暂无数据 <none>"]);
        assert!(svg.contains("暂无数据 &lt;none&gt;"));
    }

    #[test]
    fn bars_all_zero_keeps_rows_without_bars() {
        let svg = bars("b", &[row("a", 0.0, "0"), row("b", 0.0, "0")], "none");
        assert!(widths(&svg, "chart-bar").is_empty());
        assert_eq!(texts(&svg, "chart-value-out"), vec!["0", "0"]);
        assert!(texts(&svg, "chart-empty").is_empty());
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn bars_ignore_negative_and_non_finite_values() {
        let svg = bars(
            "b",
            &[
                row("a", -3.0, "-3"),
                row("b", f64::NAN, "?"),
                row("c", 2.0, "2"),
            ],
            "none",
        );
        assert_eq!(widths(&svg, "chart-bar"), vec![440.0]);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn columns_draw_values_gridlines_and_legend() {
        let svg = grouped_columns(
            "c",
            &cats(&["辅导", "申报"]),
            &[
                series("目标", &[Some(10.0), Some(4.0)], "chart-bar-alt"),
                series("实际", &[Some(7.5), None], "chart-bar"),
            ],
        );
        let doc = parse(&svg);
        // Legend: a swatch and a name per series.
        assert_eq!(texts(&svg, "chart-legend"), vec!["目标", "实际"]);
        // Three columns (one is None), each with its value above.
        assert_eq!(widths(&svg, "chart-bar-alt").len(), 3); // 2 columns + swatch
        assert_eq!(widths(&svg, "chart-bar").len(), 2); // 1 column + swatch
        assert_eq!(texts(&svg, "chart-value-out"), vec!["10", "7.5", "4", "—"]);
        // Gridlines every 2 up to 10.
        assert_eq!(
            texts(&svg, "chart-tick"),
            vec!["0", "2", "4", "6", "8", "10"]
        );
        assert_eq!(
            doc.descendants()
                .filter(|n| n.attribute("class") == Some("chart-grid"))
                .count(),
            5
        );
        assert_eq!(texts(&svg, "chart-label"), vec!["辅导", "申报"]);
        // The fallback colour matches the class.
        assert!(svg.contains(r##"class="chart-bar" x="##));
        assert!(svg.contains(r##"fill="#0b5cab""##));
        assert!(svg.contains(r##"fill="#9dbfe3""##));
    }

    #[test]
    fn columns_heights_are_proportional() {
        let svg = grouped_columns(
            "c",
            &cats(&["a"]),
            &[
                series("s", &[Some(100.0)], "chart-bar"),
                series("t", &[Some(50.0)], "chart-bar-alt"),
            ],
        );
        let doc = parse(&svg);
        let heights: Vec<f64> = doc
            .descendants()
            .filter(|n| n.has_tag_name("rect") && n.attribute("width") != Some("12"))
            .map(|n| n.attribute("height").unwrap().parse().unwrap())
            .collect();
        assert_eq!(heights.len(), 2);
        assert_eq!(heights[0], COLS_BOTTOM - COLS_TOP);
        assert_eq!(heights[1] * 2.0, heights[0]);
    }

    #[test]
    fn columns_all_none_or_empty_still_render() {
        let none = grouped_columns(
            "c",
            &cats(&["a", "b"]),
            &[series("s", &[None], "chart-bar")],
        );
        // Short `values` counts as None for the remaining categories.
        assert_eq!(texts(&none, "chart-value-out"), vec!["—", "—"]);
        assert_eq!(texts(&none, "chart-tick"), vec!["0", "1"]);
        assert!(!none.contains("NaN") && !none.contains("inf"));

        let empty = grouped_columns("c", &[], &[]);
        parse(&empty);
        assert!(!empty.contains("NaN") && !empty.contains("inf"));
    }

    #[test]
    fn columns_fractional_ticks_have_no_float_noise() {
        let svg = grouped_columns(
            "c",
            &cats(&["a"]),
            &[series("s", &[Some(0.7)], "chart-bar")],
        );
        assert_eq!(
            texts(&svg, "chart-tick"),
            vec!["0", "0.2", "0.4", "0.6", "0.8"]
        );
        assert_eq!(texts(&svg, "chart-value-out"), vec!["0.7"]);
    }

    #[test]
    fn columns_unknown_class_prints_grey_and_is_escaped() {
        let svg = grouped_columns("c", &cats(&["a"]), &[series("s", &[Some(1.0)], "x\"y")]);
        parse(&svg);
        assert!(svg.contains(r##"class="x&quot;y""##));
        assert!(svg.contains(r##"fill="#8a98a8""##));
    }

    // Radar

    #[test]
    fn radar_draws_rings_spokes_polygons_and_legend() {
        let axes = cats(&["创新能力", "成长性", "盈利", "规范治理", "Market share"]);
        let svg = radar(
            "r",
            &axes,
            &[
                radar_series(
                    "本企业",
                    &[Some(80.0), Some(60.0), Some(40.0), Some(20.0), Some(90.0)],
                    "chart-bar",
                ),
                radar_series("同行中位数", &[Some(50.0); 5], "chart-bar-alt"),
            ],
            "缺失",
            "无数据",
        );
        let doc = parse(&svg);
        // Five rings (20..100), each with a vertex per axis, and five spokes.
        let rings = elements(&doc, "polygon", "chart-grid");
        assert_eq!(rings.len(), 5);
        assert!(rings.iter().all(|r| vertices(r).len() == 5));
        assert_eq!(elements(&doc, "line", "chart-grid").len(), 5);
        assert_eq!(
            texts(&svg, "chart-tick"),
            vec!["20", "40", "60", "80", "100"]
        );
        assert_eq!(
            texts(&svg, "chart-label"),
            vec!["创新能力", "成长性", "盈利", "规范治理", "Market share"]
        );
        // One closed polygon per series, one dot per value.
        let areas = elements(&doc, "polygon", "chart-area");
        assert_eq!(areas.len(), 2);
        assert!(areas.iter().all(|a| vertices(a).len() == 5));
        assert_eq!(areas[0].attribute("class"), Some("chart-area chart-bar"));
        assert_eq!(areas[0].attribute("fill-opacity"), Some("0.2"));
        assert_eq!(elements(&doc, "circle", "chart-vertex").len(), 10);
        assert!(elements(&doc, "circle", "chart-missing").is_empty());
        let titles: Vec<_> = elements(&doc, "circle", "chart-vertex")
            .iter()
            .map(title_of)
            .collect();
        assert_eq!(titles[0], "创新能力: 80.0");
        assert_eq!(titles[4], "Market share: 90.0");
        // Legend below the chart.
        assert_eq!(texts(&svg, "chart-legend"), vec!["本企业", "同行中位数"]);
        let legend_y = elements(&doc, "text", "chart-legend")
            .iter()
            .map(|n| attr(n, "y"))
            .fold(f64::MAX, f64::min);
        assert!(legend_y > RADAR_CY + RADAR_R + 20.0);
    }

    #[test]
    fn radar_starts_at_twelve_and_goes_clockwise() {
        let axes = cats(&["a", "b", "c", "d"]);
        let svg = radar(
            "r",
            &axes,
            &[
                radar_series(
                    "full",
                    &[Some(100.0), Some(100.0), Some(100.0), Some(100.0)],
                    "chart-bar",
                ),
                radar_series(
                    "half",
                    &[Some(50.0), Some(50.0), Some(0.0), Some(50.0)],
                    "chart-bar-alt",
                ),
            ],
            "missing",
            "none",
        );
        let doc = parse(&svg);
        let areas = elements(&doc, "polygon", "chart-area");
        // 100 on the first axis is straight up, at the outer ring.
        assert_eq!(vertices(&areas[0])[0], (RADAR_CX, RADAR_CY - RADAR_R));
        // Clockwise: the second axis points right, the third down, the fourth left.
        assert_eq!(vertices(&areas[0])[1], (RADAR_CX + RADAR_R, RADAR_CY));
        assert_eq!(vertices(&areas[0])[2], (RADAR_CX, RADAR_CY + RADAR_R));
        assert_eq!(vertices(&areas[0])[3], (RADAR_CX - RADAR_R, RADAR_CY));
        // 50 is halfway out; 0 is the centre.
        assert_eq!(vertices(&areas[1])[0], (RADAR_CX, RADAR_CY - RADAR_R / 2.0));
        assert_eq!(vertices(&areas[1])[1], (RADAR_CX + RADAR_R / 2.0, RADAR_CY));
        assert_eq!(vertices(&areas[1])[2], (RADAR_CX, RADAR_CY));
        // The dots sit on the vertices.
        let dot = &elements(&doc, "circle", "chart-vertex")[0];
        assert_eq!(
            (attr(dot, "cx"), attr(dot, "cy")),
            (RADAR_CX, RADAR_CY - RADAR_R)
        );
        // Labels are anchored away from the chart: above, right, below, left.
        let labels = elements(&doc, "text", "chart-label");
        let anchors: Vec<_> = labels
            .iter()
            .map(|n| n.attribute("text-anchor").unwrap())
            .collect();
        assert_eq!(anchors, vec!["middle", "start", "middle", "end"]);
        assert!(attr(&labels[0], "y") < RADAR_CY - RADAR_R);
        assert!(attr(&labels[1], "x") > RADAR_CX + RADAR_R);
        assert!(attr(&labels[2], "y") > RADAR_CY + RADAR_R);
        assert!(attr(&labels[3], "x") < RADAR_CX - RADAR_R);
        // The top ring's tick is at the top.
        let ticks = elements(&doc, "text", "chart-tick");
        assert_eq!(attr(&ticks[4], "y"), RADAR_CY - RADAR_R + 4.0);
    }

    #[test]
    fn radar_missing_values_are_hollow_markers_not_vertices() {
        let axes = cats(&["a", "b", "c", "d", "e"]);
        let svg = radar(
            "r",
            &axes,
            // Short `values` counts as None for the last axis.
            &[radar_series(
                "s",
                &[Some(40.0), None, Some(60.0), Some(f64::NAN)],
                "chart-bar",
            )],
            "缺失",
            "none",
        );
        let doc = parse(&svg);
        let areas = elements(&doc, "polygon", "chart-area");
        assert_eq!(areas.len(), 1);
        // The polygon joins the present values only: a, then c.
        let v = vertices(&areas[0]);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0], (RADAR_CX, RADAR_CY - RADAR_R * 0.4));
        assert!(!v.contains(&(RADAR_CX, RADAR_CY)));
        assert_eq!(elements(&doc, "circle", "chart-vertex").len(), 2);
        let missing = elements(&doc, "circle", "chart-missing");
        assert_eq!(missing.len(), 3);
        for m in &missing {
            assert_eq!((attr(m, "cx"), attr(m, "cy")), (RADAR_CX, RADAR_CY));
            assert_eq!(m.attribute("fill"), Some(ON_BAR));
        }
        let titles: Vec<_> = missing.iter().map(title_of).collect();
        assert_eq!(titles, vec!["b: 缺失", "d: 缺失", "e: 缺失"]);
        assert!(svg.contains("<desc>s: a 40.0, b 缺失, c 60.0, d 缺失, e 缺失</desc>"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn radar_a_single_value_is_a_dot_without_a_polygon() {
        let svg = radar(
            "r",
            &cats(&["a", "b", "c"]),
            &[radar_series("s", &[None, Some(30.0), None], "chart-bar")],
            "missing",
            "none",
        );
        let doc = parse(&svg);
        assert!(elements(&doc, "polygon", "chart-area").is_empty());
        assert_eq!(elements(&doc, "circle", "chart-vertex").len(), 1);
        assert_eq!(elements(&doc, "circle", "chart-missing").len(), 2);
    }

    #[test]
    fn radar_clamps_values_but_titles_keep_them() {
        let svg = radar(
            "r",
            &cats(&["a", "b", "c"]),
            &[radar_series(
                "s",
                &[Some(120.0), Some(-5.0), Some(72.45)],
                "chart-bar",
            )],
            "missing",
            "none",
        );
        let doc = parse(&svg);
        let v = vertices(&elements(&doc, "polygon", "chart-area")[0]);
        assert_eq!(v[0], (RADAR_CX, RADAR_CY - RADAR_R));
        assert_eq!(v[1], (RADAR_CX, RADAR_CY));
        let titles: Vec<_> = elements(&doc, "circle", "chart-vertex")
            .iter()
            .map(title_of)
            .collect();
        assert_eq!(titles, vec!["a: 120.0", "b: -5.0", "c: 72.5"]);
    }

    #[test]
    fn radar_empty_cases_show_the_empty_text() {
        let full = [radar_series("s", &[Some(50.0); 3], "chart-bar")];
        for svg in [
            radar("r", &cats(&["a", "b"]), &full, "missing", "暂无 <数据>"),
            radar("r", &[], &full, "missing", "暂无 <数据>"),
            radar("r", &cats(&["a", "b", "c"]), &[], "missing", "暂无 <数据>"),
            radar(
                "r",
                &cats(&["a", "b", "c"]),
                &[radar_series("s", &[None, Some(f64::NAN)], "chart-bar")],
                "missing",
                "暂无 <数据>",
            ),
        ] {
            let doc = parse(&svg);
            assert_eq!(texts(&svg, "chart-empty"), vec!["暂无 <数据>"]);
            assert!(doc.descendants().all(|n| !n.has_tag_name("polygon")));
            assert!(!svg.contains("NaN"));
        }
    }

    #[test]
    fn radar_escapes_labels_classes_and_long_axes() {
        let long = "研".repeat(30);
        let axes = vec![r#"<a&"b>"#.to_string(), long.clone(), "c".to_string()];
        let svg = radar(
            "r",
            &axes,
            &[radar_series(
                r#"s<&">"#,
                &[Some(10.0), None, Some(20.0)],
                "x\"y",
            )],
            r#"<缺&">"#,
            "none",
        );
        let doc = parse(&svg);
        assert!(svg.contains("&lt;a&amp;&quot;b&gt;"));
        assert!(!svg.contains("<a&"));
        assert!(svg.contains(r##"class="chart-area x&quot;y""##));
        assert!(svg.contains(r##"fill="#8a98a8""##));
        assert_eq!(texts(&svg, "chart-legend"), vec![r#"s<&">"#]);
        let missing = elements(&doc, "circle", "chart-missing");
        assert_eq!(title_of(&missing[0]), format!(r#"{long}: <缺&">"#));
        // A long axis label is shortened to fit beside the chart; its title keeps it.
        let label = &elements(&doc, "text", "chart-label")[1];
        let shown = label.text().unwrap();
        assert!(shown.ends_with('…'));
        assert!(attr(label, "x") + text_width(shown, RADAR_LABEL_FONT) <= RADAR_W);
        assert_eq!(title_of(&label.parent().unwrap()), long);
    }

    #[test]
    fn radar_legend_wraps_into_rows() {
        let names: Vec<String> = (0..8)
            .map(|i| format!("同行企业名称很长的系列{i}"))
            .collect();
        let series: Vec<_> = names
            .iter()
            .map(|n| radar_series(n, &[Some(50.0); 3], "chart-bar"))
            .collect();
        let svg = radar("r", &cats(&["a", "b", "c"]), &series, "m", "none");
        let doc = parse(&svg);
        let legend = elements(&doc, "text", "chart-legend");
        assert_eq!(legend.len(), 8);
        let ys: std::collections::BTreeSet<String> = legend
            .iter()
            .map(|n| n.attribute("y").unwrap().to_string())
            .collect();
        assert!(ys.len() > 1);
        assert!(
            legend
                .iter()
                .all(|n| attr(n, "x") >= 0.0 && attr(n, "x") < RADAR_W)
        );
        let view_h: f64 = doc
            .root_element()
            .attribute("viewBox")
            .unwrap()
            .split(' ')
            .nth(3)
            .unwrap()
            .parse()
            .unwrap();
        assert!(legend.iter().all(|n| attr(n, "y") < view_h));
    }

    // Trend

    /// A coordinate as the SVG writes it, to a hundredth.
    fn r2(x: f64) -> f64 {
        num(x).parse().unwrap()
    }

    fn trend_y(v: f64) -> f64 {
        r2(TREND_BOTTOM - (TREND_BOTTOM - TREND_TOP) * v / 100.0)
    }

    #[test]
    fn trend_draws_line_dots_values_and_scale() {
        let svg = trend(
            "t",
            &[
                point("2023", Some(100.0), None),
                point("2024", Some(50.0), None),
                point("2025", Some(72.45), None),
            ],
            "本企业",
            "同行中位数",
            "none",
        );
        let doc = parse(&svg);
        let lines = elements(&doc, "polyline", "chart-line");
        assert_eq!(lines.len(), 1);
        let v = vertices(&lines[0]);
        assert_eq!(v.len(), 3);
        // Evenly spaced periods; 100 at the top, 50 halfway.
        let slot = (TREND_RIGHT - TREND_LEFT) / 3.0;
        assert_eq!(v[0], (r2(TREND_LEFT + slot / 2.0), TREND_TOP));
        assert_eq!(v[1].1, (TREND_TOP + TREND_BOTTOM) / 2.0);
        assert!(((v[1].0 - v[0].0) - (v[2].0 - v[1].0)).abs() <= 0.011);
        assert_eq!(elements(&doc, "circle", "chart-dot").len(), 3);
        assert_eq!(
            texts(&svg, "chart-value-out"),
            vec!["100.0", "50.0", "72.5"]
        );
        assert_eq!(texts(&svg, "chart-label"), vec!["2023", "2024", "2025"]);
        assert_eq!(
            texts(&svg, "chart-tick"),
            vec!["0", "20", "40", "60", "80", "100"]
        );
        assert_eq!(elements(&doc, "line", "chart-grid").len(), 5);
        let dot = &elements(&doc, "circle", "chart-dot")[2];
        assert_eq!(title_of(dot), "2025, 本企业: 72.5");
        // No reference anywhere: no dashed line and no second legend entry.
        assert!(elements(&doc, "polyline", "chart-line-ref").is_empty());
        assert_eq!(texts(&svg, "chart-legend"), vec!["本企业"]);
    }

    #[test]
    fn trend_breaks_the_line_at_missing_values() {
        let svg = trend(
            "t",
            &[
                point("1", Some(10.0), Some(20.0)),
                point("2", Some(20.0), Some(25.0)),
                point("3", None, Some(30.0)),
                point("4", Some(30.0), None),
                point("5", None, Some(35.0)),
                point("6", Some(40.0), Some(40.0)),
                point("7", Some(f64::NAN), Some(45.0)),
                point("8", Some(60.0), None),
                point("9", Some(70.0), None),
            ],
            "s",
            "r",
            "none",
        );
        let doc = parse(&svg);
        // Score: [1,2], 4 alone, 6 alone, [8,9]: two segments and six dots.
        let lines = elements(&doc, "polyline", "chart-line");
        assert_eq!(lines.len(), 2);
        assert_eq!(vertices(&lines[0]).len(), 2);
        assert_eq!(vertices(&lines[1]).len(), 2);
        assert_eq!(elements(&doc, "circle", "chart-dot").len(), 6);
        // Nothing is drawn at zero for the gaps.
        let zero = trend_y(0.0);
        assert!(lines.iter().flat_map(vertices).all(|(_, y)| y != zero));
        assert!(
            elements(&doc, "circle", "chart-dot")
                .iter()
                .all(|d| attr(d, "cy") != zero)
        );
        // Reference: [1,2,3], 5 alone, [6,7]: two dashed segments, six small dots.
        let refs = elements(&doc, "polyline", "chart-line-ref");
        assert_eq!(refs.len(), 2);
        assert_eq!(vertices(&refs[0]).len(), 3);
        assert_eq!(refs[0].attribute("stroke-dasharray"), Some("6 4"));
        assert_eq!(elements(&doc, "circle", "chart-dot-ref").len(), 6);
        assert_eq!(texts(&svg, "chart-legend"), vec!["s", "r"]);
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn trend_single_point_is_a_dot() {
        let svg = trend("t", &[point("2025Q3", Some(64.0), None)], "s", "r", "none");
        let doc = parse(&svg);
        assert!(elements(&doc, "polyline", "chart-line").is_empty());
        let dots = elements(&doc, "circle", "chart-dot");
        assert_eq!(dots.len(), 1);
        assert_eq!(attr(&dots[0], "cx"), (TREND_LEFT + TREND_RIGHT) / 2.0);
        assert_eq!(attr(&dots[0], "cy"), trend_y(64.0));
        assert_eq!(texts(&svg, "chart-value-out"), vec!["64.0"]);
    }

    #[test]
    fn trend_empty_cases_show_the_empty_text() {
        for svg in [
            trend("t", &[], "s", "r", "暂无 <数据>"),
            trend("t", &[point("2025", None, None)], "s", "r", "暂无 <数据>"),
        ] {
            let doc = parse(&svg);
            assert_eq!(texts(&svg, "chart-empty"), vec!["暂无 <数据>"]);
            assert!(doc.descendants().all(|n| !n.has_tag_name("circle")));
        }
        // A reference alone is still something to show.
        let only_ref = trend("t", &[point("2025", None, Some(50.0))], "s", "r", "none");
        assert!(texts(&only_ref, "chart-empty").is_empty());
        assert_eq!(texts(&only_ref, "chart-dot-ref").len(), 1);
    }

    #[test]
    fn trend_clamps_values_to_the_scale() {
        let svg = trend(
            "t",
            &[point("a", Some(130.0), None), point("b", Some(-4.0), None)],
            "s",
            "r",
            "none",
        );
        let doc = parse(&svg);
        let v = vertices(&elements(&doc, "polyline", "chart-line")[0]);
        assert_eq!((v[0].1, v[1].1), (TREND_TOP, TREND_BOTTOM));
        assert_eq!(texts(&svg, "chart-value-out"), vec!["130.0", "-4.0"]);
    }

    #[test]
    fn trend_escapes_labels() {
        let svg = trend(
            "t",
            &[point(r#"<p&">"#, Some(1.0), Some(2.0))],
            r#"<s&">"#,
            r#"<r&">"#,
            "none",
        );
        let doc = parse(&svg);
        assert!(!svg.contains("<p&") && !svg.contains("<s&") && !svg.contains("<r&"));
        assert_eq!(texts(&svg, "chart-legend"), vec![r#"<s&">"#, r#"<r&">"#]);
        assert_eq!(texts(&svg, "chart-label"), vec![r#"<p&">"#]);
        let dot = &elements(&doc, "circle", "chart-dot")[0];
        assert_eq!(title_of(dot), r#"<p&">, <s&">: 1.0"#);
    }

    #[test]
    fn trend_crowded_periods_are_labelled_sparsely() {
        let points: Vec<_> = (0..40)
            .map(|i| {
                point(
                    &format!("20{:02}Q{}", 10 + i / 4, i % 4 + 1),
                    Some(50.0),
                    None,
                )
            })
            .collect();
        let svg = trend("t", &points, "s", "r", "none");
        let doc = parse(&svg);
        let labels = texts(&svg, "chart-label");
        assert!(labels.len() < 40 && labels.len() > 1, "{labels:?}");
        assert_eq!(labels[0], "2010Q1");
        assert!(labels.iter().all(|l| !l.ends_with('…')));
        // Every period keeps its dot and title.
        assert_eq!(elements(&doc, "circle", "chart-dot").len(), 40);
        assert!(texts(&svg, "chart-value-out").len() < 40);
    }

    #[test]
    fn new_charts_are_deterministic() {
        let axes = cats(&["a", "b", "c", "d", "e", "f", "g"]);
        let s = [radar_series(
            "x",
            &[
                Some(12.3),
                Some(45.6),
                None,
                Some(78.9),
                Some(1.0 / 3.0),
                Some(99.99),
                Some(0.1 + 0.2),
            ],
            "chart-bar",
        )];
        assert_eq!(
            radar("r", &axes, &s, "m", "e"),
            radar("r", &axes, &s, "m", "e")
        );
        let pts = [
            point("a", Some(1.0 / 3.0), Some(2.0 / 3.0)),
            point("b", Some(0.1 + 0.2), None),
        ];
        assert_eq!(
            trend("t", &pts, "s", "r", "e"),
            trend("t", &pts, "s", "r", "e")
        );
    }

    #[test]
    fn score_text_has_one_decimal() {
        assert_eq!(score_text(80.0), "80.0");
        assert_eq!(score_text(72.45), "72.5");
        assert_eq!(score_text(0.1 + 0.2), "0.3");
        assert_eq!(score_text(-0.01), "0.0");
        assert_eq!(score_text(100.0), "100.0");
    }

    #[test]
    fn nice_steps_are_1_2_5_times_a_power_of_ten() {
        assert_eq!(nice_step(100.0, 5), 20.0);
        assert_eq!(nice_step(95.0, 5), 20.0);
        assert_eq!(nice_step(101.0, 5), 50.0);
        assert_eq!(nice_step(10.0, 5), 2.0);
        assert_eq!(nice_step(5.0, 5), 1.0);
        assert_eq!(nice_step(7.0, 5), 2.0);
        assert_eq!(nice_step(12.0, 4), 5.0);
        assert_eq!(nice_step(1000.0, 4), 500.0);
        assert_eq!(nice_step(1.0, 5), 0.2);
        assert_eq!(nice_step(0.7, 5), 0.2);
        assert_eq!(nice_step(0.03, 5), 0.01);
        assert_eq!(nice_step(0.2, 4), 0.05);
        assert_eq!(nice_step(4.0e6, 5), 1.0e6);
        assert_eq!(nice_step(0.0, 5), 1.0);
        assert_eq!(nice_step(-3.0, 5), 1.0);
        assert_eq!(nice_step(f64::NAN, 5), 1.0);
        assert_eq!(nice_step(f64::INFINITY, 5), 1.0);
        assert_eq!(nice_step(10.0, 0), 1.0);
    }

    #[test]
    fn step_decimals_match_the_step() {
        assert_eq!(step_decimals(20.0), 0);
        assert_eq!(step_decimals(1.0), 0);
        assert_eq!(step_decimals(0.5), 1);
        assert_eq!(step_decimals(0.1), 1);
        assert_eq!(step_decimals(0.05), 2);
        assert_eq!(step_decimals(0.01), 2);
    }

    #[test]
    fn percentages_have_no_float_noise() {
        assert_eq!(percent(Some(0.125)), "12.5%");
        assert_eq!(percent(Some(1.0)), "100%");
        assert_eq!(percent(Some(0.0)), "0%");
        assert_eq!(percent(Some(0.1 + 0.2)), "30%");
        assert_eq!(percent(Some(1.0 / 3.0)), "33.3%");
        assert_eq!(percent(Some(0.07)), "7%");
        assert_eq!(percent(None), "—");
        assert_eq!(percent(Some(f64::NAN)), "—");
    }

    #[test]
    fn numbers_have_no_float_noise() {
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(250.0), "250");
        assert_eq!(num(12.345_678), "12.35");
        assert_eq!(num(-0.001), "0");
        assert_eq!(value_text(Some(3.0)), "3");
        assert_eq!(value_text(Some(2.50)), "2.5");
        assert_eq!(value_text(None), "—");
        assert_eq!(fmt_dec(1200.0, 0), "1200");
    }
}
