from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
fb = FontBuilder(1000, isTTF=True)
fb.setupGlyphOrder([".notdef", "A"])
fb.setupCharacterMap({0x41: "A"})
def box():
    p = TTGlyphPen(None); p.moveTo((0,0)); p.lineTo((0,500)); p.lineTo((500,500)); p.lineTo((500,0)); p.closePath(); return p.glyph()
fb.setupGlyf({".notdef": box(), "A": box()})
fb.setupHorizontalMetrics({".notdef": (600,0), "A": (600,0)})
fb.setupHorizontalHeader(ascent=800, descent=-200)
fb.setupNameTable({"familyName": "K", "styleName": "Regular"})
fb.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
fb.setupPost()
fb.save("k.ttf")
