"""The HTML report in a real browser (Debian's headless `chromium`): the page logs nothing to the
console (no script errors, no resource it fails to load) and its screenshot is not blank.
Exits 77 (a CTest skip) with the reason when chromium is not installed."""
import os
import shutil
import struct
import subprocess
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cli_common as cc  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SAMPLE = os.path.join("tests", "data", "reports", "sample_report.json")
WIDTH, HEIGHT = 1000, 1400


def render(html_path, png_path):
    """Console lines chromium logged for the page, after writing its screenshot to png_path."""
    p = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                        "--enable-logging=stderr", "--v=0", f"--window-size={WIDTH},{HEIGHT}",
                        f"--screenshot={png_path}", "file://" + os.path.abspath(html_path)],
                       capture_output=True, text=True, timeout=240)
    return [line for line in p.stderr.splitlines() if ":CONSOLE" in line]


def png_pixels(path):
    """(width, height, channels, rows of bytes) of an 8-bit non-interlaced PNG, unfiltered."""
    with open(path, "rb") as f:
        data = f.read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and interlace == 0 and colour in (2, 6), f"unexpected PNG format {header}"
    channels = 3 if colour == 2 else 4
    raw, stride, rows = zlib.decompress(idat), width * channels, []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        previous = line
    return width, height, channels, rows


def non_background_fraction(path):
    width, height, channels, rows = png_pixels(path)
    background = bytes(rows[0][:3])
    different = sum(1 for row in rows for x in range(0, width * channels, channels)
                    if bytes(row[x:x + 3]) != background)
    return different / (width * height)


class HtmlInChromium(cc.CliTestCase):
    def test_sample_report_renders_without_console_messages(self):
        html, png = self.path("sample.html"), self.path("sample.png")
        self.detaudit("report", SAMPLE, "--html", html, expect_rc=cc.EXIT_OK)
        console = render(html, png)
        self.assertEqual(console, [], "the page logged to the console")
        fraction = non_background_fraction(png)
        # Text, tables, badges and charts: a blank or unstyled-white page is far below this.
        self.assertGreater(fraction, 0.05, f"screenshot {png} looks blank ({fraction:.3%} non-background)")

    def test_the_console_check_sees_errors(self):
        """The negative control: a page with a script error is caught by the same check."""
        html, png = self.path("bad.html"), self.path("bad.png")
        with open(html, "w", encoding="utf-8") as f:
            f.write("<!DOCTYPE html><p>x</p><script>undefinedFunction()</script>")
        self.assertTrue(any("undefinedFunction" in line for line in render(html, png)))
        self.assertLess(non_background_fraction(png), 0.01)


if __name__ == "__main__":
    if CHROMIUM is None:
        print("SKIP: chromium is not installed (apt-get install chromium; scripts/setup-debian.sh lists it)")
        sys.exit(77)
    cc.main()
