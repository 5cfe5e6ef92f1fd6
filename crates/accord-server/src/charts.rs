//! Server-side SVG charts for the dashboards: horizontal bar charts with their numbers written
//! on them, readable without colour and without script. Pure: data in, SVG text out.

use crate::pages::esc;

/// A horizontal bar chart of `(label, value)` rows; `unit` is appended to each value shown
/// (`""`, `"%"`). Values below zero are drawn as zero.
pub fn bars(title: &str, rows: &[(String, f64)], unit: &str) -> String {
    let (w, left, row_h, top) = (640.0_f64, 190.0_f64, 26.0_f64, 34.0_f64);
    let h = top + row_h * rows.len().max(1) as f64 + 10.0;
    let max = rows.iter().map(|r| r.1).fold(0.0_f64, f64::max).max(1e-9);
    let span = w - left - 90.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{t}\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" font-family=\"system-ui,sans-serif\" font-size=\"13\">\
<title>{t}</title><text x=\"0\" y=\"18\" font-weight=\"bold\" font-size=\"15\">{t}</text>",
        t = esc(title)
    );
    if rows.is_empty() {
        s.push_str(&format!(
            "<text x=\"0\" y=\"{}\">No data for the period.</text>",
            top + 16.0
        ));
    }
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = top + row_h * i as f64;
        let bw = (v.max(0.0) / max * span).max(if *v > 0.0 { 1.0 } else { 0.0 });
        let shown = if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        };
        s.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{l}</text><rect x=\"{left}\" y=\"{ry}\" width=\"{bw:.1}\" height=\"{bh}\" fill=\"#3b6ea5\"/><text x=\"{vx:.1}\" y=\"{ty}\">{shown}{u}</text>",
            lx = left - 8.0,
            ty = y + 17.0,
            l = esc(label),
            ry = y + 4.0,
            bh = row_h - 8.0,
            vx = left + bw + 6.0,
            u = esc(unit)
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_is_stable_svg_with_its_numbers() {
        let svg = bars(
            "Claims by outcome",
            &[
                ("processed_primary".into(), 148.0),
                ("denied".into(), 11.0),
                ("<pended>".into(), 4.0),
            ],
            "",
        );
        assert!(svg.contains(">148<") && svg.contains("&lt;pended&gt;"));
        insta::assert_snapshot!(svg);
    }

    #[test]
    fn an_empty_chart_says_so() {
        assert!(bars("x", &[], "%").contains("No data for the period."));
    }
}
