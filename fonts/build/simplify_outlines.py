#!/usr/bin/python3
"""Simplify the outlines of a CID-keyed CFF OpenType font within a proven
error bound.

The Fandol faces were traced with far more points than their shapes need
(about 230 per 仿宋 character), which makes every PDF that embeds them
large. This rewrites each glyph's outline with FontForge's simplifier and
then measures the result: the simplified outline must stay within TOLERANCE
font units of the original everywhere, and the original within TOLERANCE of
it (a two-way Hausdorff distance on densely sampled outlines). A glyph that
fails is simplified again more cautiously, and kept as it was if that fails
too.

The new outlines are written into the original font with fontTools, so
every other table (names, cmap, metrics, vertical metrics, layout features)
stays as it was. Hints of rewritten glyphs are dropped: they describe the
old points.

Usage (Debian: apt-get install python3-fontforge python3-fonttools
python3-numpy python3-scipy):

    /usr/bin/python3 fonts/build/simplify_outlines.py IN.otf OUT.otf
"""

import os
import sys

import fontforge
import numpy as np
from fontTools.pens.recordingPen import RecordingPen
from fontTools.pens.t2CharStringPen import T2CharStringPen
from fontTools.ttLib import TTFont
from scipy.spatial import cKDTree

# What the simplifier may move, in font units (before rounding to integers).
ERROR = 2.5
# What the measured outline may deviate, rounding included: 3 units of a
# 1000-unit em are 17 µm on a 16pt character, under half a printer dot at
# 600 dpi.
TOLERANCE = 3.0
# Tried in order; the first result within TOLERANCE is kept.
ATTEMPTS = [
    (ERROR, ("mergelines", "ignoreextrema", "smoothcurves", "removesingletonpoints")),
    (ERROR, ("mergelines", "ignoreextrema", "removesingletonpoints")),
    (ERROR / 2, ("mergelines",)),
]
# Outline sampling step in font units; distances are measured to the
# nearest sample, so up to STEP / 2 short.
STEP = 0.5


def sample(recording):
    """Points along an outline, at most STEP apart."""
    points = []
    current = start = None
    for op, args in recording.value:
        if op == "moveTo":
            current = start = np.array(args[0], float)
            points.append(current[None])
        elif op in ("lineTo", "curveTo", "qCurveTo", "closePath", "endPath"):
            if op == "lineTo":
                ctrl = [current, np.array(args[0], float)]
            elif op == "curveTo":
                ctrl = [current] + [np.array(a, float) for a in args]
            elif op == "closePath" and start is not None:
                ctrl = [current, start]
            else:
                continue
            ctrl = np.array(ctrl)
            length = np.sum(np.linalg.norm(np.diff(ctrl, axis=0), axis=1))
            n = max(2, int(np.ceil(length / STEP)) + 1)
            t = np.linspace(0.0, 1.0, n)[:, None]
            if len(ctrl) == 2:
                pts = ctrl[0] * (1 - t) + ctrl[1] * t
            else:
                p0, p1, p2, p3 = ctrl
                pts = ((1 - t) ** 3) * p0 + 3 * ((1 - t) ** 2) * t * p1 + 3 * (1 - t) * t * t * p2 + t**3 * p3
            points.append(pts)
            current = ctrl[-1]
    return np.concatenate(points) if points else np.zeros((0, 2))


def deviation(a, b):
    """Two-way Hausdorff distance between two sampled outlines."""
    if len(a) == 0 or len(b) == 0:
        return 0.0 if len(a) == len(b) else float("inf")
    return max(cKDTree(b).query(a)[0].max(), cKDTree(a).query(b)[0].max())


def main(source, target):
    forge = fontforge.open(source)
    # Metrics (hhea, vhea, head, FontBBox) stay exactly as they were.
    font = TTFont(source, recalcBBoxes=False)
    cff = font["CFF "].cff
    top = cff.topDictIndex[0]
    if not hasattr(top, "ROS"):
        raise SystemExit(f"{source}: only CID-keyed CFF fonts are handled")
    charstrings = top.CharStrings
    glyphset = font.getGlyphSet()
    widths = font["hmtx"].metrics
    names = set(font.getGlyphOrder())
    before = after = kept = cautious = 0
    worst = 0.0
    limit = int(os.environ.get("SIMPLIFY_LIMIT", "0")) or None
    for index, glyph in enumerate(forge.glyphs()):
        if limit is not None and index >= limit:
            break
        if index % 1000 == 0:
            print(f"{index} glyphs", file=sys.stderr, flush=True)
        # In a CID-keyed font FontForge reports the CID; fontTools names the
        # glyph after it.
        cid = glyph.originalgid
        name = ".notdef" if cid == 0 else f"cid{cid:05d}"
        if name not in names:
            raise SystemExit(f"{source}: glyph {glyph.glyphname} ({name}) not found")
        original = RecordingPen()
        glyphset[name].draw(original)
        reference = sample(original)
        points = sum(len(c) for c in glyph.foreground)
        before += points
        layer = glyph.foreground.dup()
        chosen = None
        for attempt, (error, flags) in enumerate(ATTEMPTS):
            glyph.foreground = layer.dup()
            glyph.simplify(error, flags)
            glyph.round()
            candidate = RecordingPen()
            glyph.draw(candidate)
            distance = deviation(reference, sample(candidate))
            if distance <= TOLERANCE - STEP / 2:
                chosen = candidate
                worst = max(worst, distance)
                cautious += attempt > 0
                break
        if chosen is None:
            kept += 1
            after += points
            continue
        after += sum(len(c) for c in glyph.foreground)
        private = charstrings[name].private
        width = widths[name][0]
        encoded = None if width == private.defaultWidthX else width - private.nominalWidthX
        pen = T2CharStringPen(encoded, None)
        chosen.replay(pen)
        charstrings[name] = pen.getCharString(private, cff.GlobalSubrs)
    font.save(target)
    print(
        f"{source}: {before} points -> {after} ({after / before:.0%}); "
        f"largest deviation {worst:.2f} units; {cautious} glyphs simplified cautiously, "
        f"{kept} kept as they were"
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
