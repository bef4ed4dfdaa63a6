mod support;
use support::*;

#[test]
fn explore() {
    let b = yonghe();
    for p in 1..=2 {
        for l in b.pdf.lines(p) {
            let g = &l.glyphs[0];
            println!("p{} y={:.2} x={:.2}..{:.2} n={} size={:.1} font={} color={:?} xs={:.3} | {}", p, l.y, l.left(), l.right(), l.glyphs.len(), g.size, g.font, g.color, g.x_scale, l.text());
        }
    }
    for r in b.pdf.rules.iter().filter(|r| r.page <= 2 || r.page == b.pdf.pages) { println!("{:?}", r); }
}
