//! The charts pages draw as SVG on the server, geometry computed here and markup in
//! `templates/charts.html`: [`Bars`] (a horizontal bar per answer or group, its label above
//! it), [`Columns`] (vertical bars along an axis: score ranges, weeks) and [`WorldMap`] (a
//! choropleth of counts by country over Natural Earth's outlines). Each comes with its data
//! table in the template, and none needs JavaScript.

use iln_domain::country::CountryCode;

/// One bar of a [`Bars`] chart: its label (cut short for the picture; the table has it
/// whole), the count and share, and its geometry.
pub struct Bar {
    pub label: String,
    pub short: String,
    pub count: usize,
    pub percent: usize,
    pub y: usize,
    pub width: usize,
}

/// Horizontal bars, one per row, each label above its bar and the count with its share
/// after it.
pub struct Bars {
    pub bars: Vec<Bar>,
    pub height: usize,
}

impl Bars {
    const ROW: usize = 44;
    const MAX_BAR: usize = 400;
    const LABEL_CHARS: usize = 56;

    /// Bars for `rows` in their order; shares are of `total` (nobody's share when it is 0).
    pub fn new(rows: &[(String, usize)], total: usize) -> Bars {
        let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let bars: Vec<Bar> = rows
            .iter()
            .enumerate()
            .map(|(i, (label, count))| Bar {
                label: label.clone(),
                short: shorten(label, Self::LABEL_CHARS),
                count: *count,
                percent: (count * 100).checked_div(total).unwrap_or(0),
                y: i * Self::ROW,
                width: (count * Self::MAX_BAR / max).max(usize::from(*count > 0)),
            })
            .collect();
        Bars {
            height: (bars.len() * Self::ROW).max(Self::ROW),
            bars,
        }
    }

    pub fn width(&self) -> usize {
        Self::MAX_BAR + 120
    }

    pub fn value_x(&self, bar: &Bar) -> usize {
        bar.width + 8
    }
}

/// `label` cut to `max` characters with an ellipsis.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() > max {
        format!(
            "{}\u{2026}",
            label
                .chars()
                .take(max.saturating_sub(1))
                .collect::<String>()
        )
    } else {
        label.to_owned()
    }
}

/// One column of a [`Columns`] chart.
pub struct Column {
    pub label: String,
    pub count: usize,
    pub x: i64,
    pub y: i64,
    pub height: i64,
    /// The middle of the column, where its value and axis label are centred.
    pub middle: i64,
    pub value_y: i64,
    /// Whether its label is written under the axis: when labels are wider than a column,
    /// only every few are, so none overlap (the table lists them all).
    pub labelled: bool,
}

/// Vertical bars along an axis, in the rows' order.
pub struct Columns {
    pub columns: Vec<Column>,
    pub width: i64,
    pub height: i64,
    pub axis_y: i64,
    pub label_y: i64,
    pub bar_width: i64,
    /// Whether the values fit above the columns (they are left to the table when the
    /// columns are too narrow for them).
    pub values: bool,
}

impl Columns {
    const STEP: i64 = 52;
    /// The widest chart before columns get narrower than [`Columns::STEP`].
    const MAX_WIDTH: i64 = 640;
    const MIN_STEP: i64 = 8;
    const PLOT: i64 = 160;
    const TOP: i64 = 20;
    /// About how wide one character of a 15-unit label is.
    const CHAR: i64 = 8;

    pub fn new(rows: &[(String, usize)]) -> Columns {
        let n = i64::try_from(rows.len()).unwrap_or(i64::MAX).max(1);
        let step = (Self::MAX_WIDTH / n).clamp(Self::MIN_STEP, Self::STEP);
        let bar = (step * 5 / 6).max(1);
        let widest = rows
            .iter()
            .map(|(label, _)| i64::try_from(label.chars().count()).unwrap_or(0))
            .max()
            .unwrap_or(0);
        // Every `every`-th label is written, so each has the room of `every` columns.
        let every = ((widest * Self::CHAR + 6) + step - 1) / step;
        let every = usize::try_from(every.max(1)).unwrap_or(1);
        // Room at both ends for half a label centred under the first or last column.
        let pad = (widest * Self::CHAR / 2 - step / 2).max(0) + 2;
        let max = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        let columns = rows
            .iter()
            .enumerate()
            .zip(0_i64..)
            .map(|((i, (label, count)), k)| {
                let value = i64::try_from(*count).unwrap_or(i64::MAX);
                let height = if value == 0 {
                    0
                } else {
                    (value * Self::PLOT / max).max(2)
                };
                let y = Self::TOP + Self::PLOT - height;
                let x = pad + k * step + (step - bar) / 2;
                Column {
                    label: label.clone(),
                    count: *count,
                    x,
                    y,
                    height,
                    middle: x + bar / 2,
                    value_y: y - 4,
                    labelled: i % every == 0,
                }
            })
            .collect();
        Columns {
            columns,
            width: n * step + 2 * pad,
            height: Self::TOP + Self::PLOT + 40,
            axis_y: Self::TOP + Self::PLOT,
            label_y: Self::TOP + Self::PLOT + 18,
            bar_width: bar,
            values: step >= 28,
        }
    }
}

// ---------------------------------------------------------------------------------------
// The world map.

/// The outlines: `alpha-2 <TAB> name <TAB> SVG path` per line, made by
/// `scripts/world-map-data` from Natural Earth (public domain) through world-atlas (ISC);
/// see `assets/world-110m.LICENSE`.
const OUTLINES: &str = include_str!("../assets/world-110m.txt");
/// The outlines' coordinate space (the file's second comment line says the same).
const MAP_WIDTH: u32 = 3600;
const MAP_HEIGHT: u32 = 1420;

/// How many colour classes the map uses besides the neutral one for none.
pub const MAP_CLASSES: usize = 5;

/// One place on the map.
pub struct Place {
    /// Its name: our table's for a country we know, Natural Earth's for places without an
    /// ISO code (Kosovo, Northern Cyprus, Somaliland).
    pub name: String,
    pub count: usize,
    /// 0 for none (neutral), else 1 to [`MAP_CLASSES`].
    pub class: usize,
    pub path: &'static str,
    /// Whether it has an ISO code and so can have a count.
    pub known: bool,
}

/// One class of the legend: counts `from..=to`.
pub struct LegendClass {
    pub class: usize,
    pub from: usize,
    pub to: usize,
}

/// A choropleth of counts by country.
pub struct WorldMap {
    pub places: Vec<Place>,
    pub legend: Vec<LegendClass>,
    /// Countries with a count that the map's scale is too coarse to draw: the table has
    /// them.
    pub too_small: Vec<String>,
}

/// Class limits for `counts`: up to [`MAP_CLASSES`] upper bounds at the quantiles of the
/// counts above zero, so each colour covers about as many countries, the last the largest.
fn limits(counts: &[usize]) -> Vec<usize> {
    let mut sorted: Vec<usize> = counts.iter().copied().filter(|n| *n > 0).collect();
    sorted.sort_unstable();
    let mut out: Vec<usize> = Vec::new();
    let Some(&largest) = sorted.last() else {
        return out;
    };
    for k in 1..MAP_CLASSES {
        let index = (sorted.len() * k / MAP_CLASSES).min(sorted.len() - 1);
        let limit = sorted[index];
        if out.last().is_none_or(|last| limit > *last) && limit < largest {
            out.push(limit);
        }
    }
    out.push(largest);
    out
}

impl WorldMap {
    /// The map of `counts` (countries without one count zero).
    pub fn new(counts: &[(CountryCode, usize)]) -> WorldMap {
        let values: Vec<usize> = counts.iter().map(|(_, n)| *n).collect();
        let limits = limits(&values);
        let class_of = |n: usize| -> usize {
            if n == 0 {
                0
            } else {
                limits
                    .iter()
                    .position(|l| n <= *l)
                    .map_or(limits.len(), |i| i + 1)
            }
        };
        let mut drawn: Vec<CountryCode> = Vec::new();
        let places = OUTLINES
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let mut parts = line.splitn(3, '\t');
                let (code, name, path) = (parts.next()?, parts.next()?, parts.next()?);
                let known = CountryCode::parse(code).ok().filter(|_| code.len() == 2);
                let count = known
                    .and_then(|c| counts.iter().find(|(k, _)| *k == c))
                    .map_or(0, |(_, n)| *n);
                if let Some(c) = known {
                    drawn.push(c);
                }
                Some(Place {
                    name: known.map_or_else(|| name.to_owned(), |c| c.name().to_owned()),
                    count,
                    class: class_of(count),
                    path,
                    known: known.is_some(),
                })
            })
            .collect();
        let legend = limits
            .iter()
            .enumerate()
            .map(|(i, to)| LegendClass {
                class: i + 1,
                from: if i == 0 { 1 } else { limits[i - 1] + 1 },
                to: *to,
            })
            .collect();
        let too_small = counts
            .iter()
            .filter(|(c, n)| *n > 0 && !drawn.contains(c))
            .map(|(c, _)| c.name().to_owned())
            .collect();
        WorldMap {
            places,
            legend,
            too_small,
        }
    }

    pub fn width(&self) -> u32 {
        MAP_WIDTH
    }

    pub fn height(&self) -> u32 {
        MAP_HEIGHT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(code: &str) -> CountryCode {
        CountryCode::parse(code).expect("a country of the table")
    }

    #[test]
    fn every_outline_names_a_country_of_our_table_or_a_place_without_a_code() {
        let map = WorldMap::new(&[]);
        assert!(map.places.len() > 170, "{}", map.places.len());
        let unknown: Vec<&str> = map
            .places
            .iter()
            .filter(|p| !p.known)
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(unknown, ["Kosovo", "N. Cyprus", "Somaliland"]);
        assert!(
            map.places
                .iter()
                .all(|p| p.class == 0 && p.path.starts_with('M'))
        );
        assert!(OUTLINES.len() < 150_000);
    }

    #[test]
    fn counts_fall_into_classes_and_small_countries_are_named() {
        let counts = [(c("KE"), 40), (c("AU"), 3), (c("BR"), 1), (c("SG"), 5)];
        let map = WorldMap::new(&counts);
        let kenya = map
            .places
            .iter()
            .find(|p| p.name == "Kenya")
            .expect("Kenya");
        assert_eq!(kenya.count, 40);
        assert_eq!(kenya.class, map.legend.len());
        let brazil = map
            .places
            .iter()
            .find(|p| p.name == "Brazil")
            .expect("Brazil");
        assert_eq!(brazil.class, 1);
        let france = map
            .places
            .iter()
            .find(|p| p.name == "France")
            .expect("France");
        assert_eq!((france.count, france.class), (0, 0));
        // Singapore is too small for 1:110m.
        assert_eq!(map.too_small, ["Singapore"]);
        assert_eq!(map.legend.first().map(|l| l.from), Some(1));
        assert_eq!(map.legend.last().map(|l| l.to), Some(40));
        assert!(map.legend.len() <= MAP_CLASSES);
    }

    #[test]
    fn limits_split_the_counts_evenly_and_end_at_the_largest() {
        assert!(limits(&[]).is_empty());
        assert_eq!(limits(&[0, 7]), [7]);
        assert_eq!(limits(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), [3, 5, 7, 9, 10]);
        assert_eq!(limits(&[1, 1, 1, 1, 50]), [1, 50]);
    }

    #[test]
    fn columns_label_every_few_when_labels_are_wide() {
        let rows: Vec<(String, usize)> = (0..10)
            .map(|i| (format!("{}–{}", i * 10, i * 10 + 9), i))
            .collect();
        let chart = Columns::new(&rows);
        // "90–99" is about 46 units wide: every column has room (52 each).
        assert!(chart.columns.iter().all(|c| c.labelled));
        let wide: Vec<(String, usize)> = (0..10)
            .map(|i| (format!("{}–{}", i * 100, i * 100 + 99), 1))
            .collect();
        let chart = Columns::new(&wide);
        let labelled: Vec<bool> = chart.columns.iter().map(|c| c.labelled).collect();
        assert_eq!(labelled[..4], [true, false, true, false]);
        // Many weeks make narrower columns and fewer labels.
        let weeks: Vec<(String, usize)> = (0..60).map(|i| (format!("w{i}"), i)).collect();
        let chart = Columns::new(&weeks);
        assert!(chart.width <= 640 + 2 * 14);
        assert!(!chart.values);
        assert!(chart.columns.iter().filter(|c| c.labelled).count() < 60);
    }
}
